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

  enum PingProtocol {
    WEBMENTION
    PINGBACK
  }

  enum OutgoingPingStatus {
    QUEUED
    RETRYING
    SENT
    FAILED
    "The linked page offers neither Webmention nor Pingback."
    NO_ENDPOINT
    "Nothing to send (e.g. a removed link whose page only takes pingbacks)."
    SKIPPED
  }

  "A ping Colloquy sends to a page a post links to, and how it went."
  type OutgoingPing {
    id: ID!
    "The linked page."
    targetUrl: String!
    "The endpoint discovered on it, when there is one."
    endpoint: String
    protocol: PingProtocol
    status: OutgoingPingStatus!
    "The post no longer links to the page (a webmention tells it so)."
    linkRemoved: Boolean!
    attempts: Int!
    "What the endpoint answered last (truncated)."
    lastResponse: String
    lastError: String
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  extend type Post {
    "Where other blogs send Trackback 1.2 pings for this post."
    trackbackUrl: String!
    "Pings sent for this post, oldest first: for those who may edit it (FORBIDDEN otherwise)."
    outgoingPings: [OutgoingPing!]!
  }
`;
