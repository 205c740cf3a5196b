export const linkbackModerationTypeDefs = /* GraphQL */ `
  "A linkback as moderators see it, whatever its status."
  type EditorLinkback {
    id: ID!
    status: CommentStatus!
    post: Post!
    kind: LinkbackKind!
    sourceUrl: String!
    title: String
    excerpt: String
    blogName: String
    createdAt: DateTime!
  }

  type EditorLinkbackEdge {
    cursor: String!
    node: EditorLinkback!
  }

  type EditorLinkbackConnection {
    edges: [EditorLinkbackEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type ModerateLinkbacksPayload {
    linkbacks: [EditorLinkback!]!
    "Empty on success; otherwise nothing was changed."
    errors: [UserError!]!
  }

  extend type Query {
    """
    Linkbacks to moderate, newest first, on every post the viewer may
    moderate (an AUTHOR: their own; FORBIDDEN for a \`postId\` that is not theirs).
    """
    linkbacks(
      status: CommentStatus
      postId: ID
      first: Int
      after: String
    ): EditorLinkbackConnection!
    "Counts per status (same fields as for comments)."
    linkbackCounts(postId: ID): CommentCounts!
  }

  extend type Mutation {
    "Sets the status of up to 100 linkbacks; all or nothing, like moderateComments."
    moderateLinkbacks(ids: [ID!]!, status: CommentStatus!): ModerateLinkbacksPayload!
  }
`;
