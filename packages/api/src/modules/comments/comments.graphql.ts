export const commentsTypeDefs = /* GraphQL */ `
  enum CommentStatus {
    PENDING
    APPROVED
    SPAM
    TRASH
  }

  type Comment {
    id: ID!
    "The comment this one replies to; null for top-level comments."
    parent: Comment
    "0 for top-level comments, 1 for their replies, and so on."
    depth: Int!
    authorName: String!
    "The commenter's website (http or https only)."
    authorUrl: String
    "HTML rendered on the server from the commenter's plain text."
    content: String!
    createdAt: DateTime!
    "Approved replies, oldest first."
    replies(first: Int, after: String): CommentConnection!
  }

  type CommentEdge {
    cursor: String!
    node: Comment!
  }

  type CommentConnection {
    edges: [CommentEdge!]!
    pageInfo: PageInfo!
    "All items in this list (not only this page)."
    totalCount: Int!
  }

  input SubmitCommentInput {
    postId: ID!
    "The comment being replied to."
    parentId: ID
    authorName: String!
    "Never published; used to recognise returning commenters."
    authorEmail: String!
    authorUrl: String
    "Plain text; blank lines separate paragraphs and URLs become links."
    content: String!
    """
    Leave this out. A trap for form-filling bots: the web form hides it from
    people, and a comment that fills it in is not published.
    """
    homepage: String
  }

  type SubmitCommentPayload {
    "The stored comment, visible to its submitter even while pending."
    comment: Comment
    "APPROVED (published now) or PENDING (waiting for a moderator); null when refused."
    status: CommentStatus
    """
    Empty on success; otherwise nothing was stored. Codes concerning the whole
    form (field null): COMMENTS_CLOSED, DUPLICATE, RATE_LIMITED.
    """
    errors: [UserError!]!
  }

  type Mutation {
    submitComment(input: SubmitCommentInput!): SubmitCommentPayload!
  }
`;
