export const linkbacksTypeDefs = /* GraphQL */ `
  enum LinkbackKind {
    TRACKBACK
    PINGBACK
    WEBMENTION
  }

  "What the linking page does with the post, from its microformats2 markup."
  enum MentionType {
    "in-reply-to"
    REPLY
    "like-of"
    LIKE
    "repost-of"
    REPOST
    "Any other link."
    MENTION
  }

  "The person behind a linking page, from its h-card (plain text; URLs are http(s) only)."
  type LinkbackAuthor {
    name: String
    url: String
    photo: String
  }

  type Linkback {
    id: ID!
    kind: LinkbackKind!
    mentionType: MentionType!
    sourceUrl: String!
    "Plain text, as sent or extracted from the source page."
    title: String
    "Plain text."
    excerpt: String
    "Plain text."
    blogName: String
    "The source's author, when its page says (microformats2 h-card); null otherwise."
    author: LinkbackAuthor
    createdAt: DateTime!
    "When a repeated webmention last refreshed it; null if never."
    updatedAt: DateTime
  }

  type LinkbackEdge {
    cursor: String!
    node: Linkback!
  }

  type LinkbackConnection {
    edges: [LinkbackEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  extend type Post {
    "Where other blogs send Trackback 1.2 pings for this post."
    trackbackUrl: String!
  }
`;
