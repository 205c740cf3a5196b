export const linkbacksTypeDefs = /* GraphQL */ `
  enum LinkbackKind {
    TRACKBACK
    PINGBACK
    WEBMENTION
  }

  type Linkback {
    id: ID!
    kind: LinkbackKind!
    sourceUrl: String!
    "Plain text, as sent or extracted from the source page."
    title: String
    "Plain text."
    excerpt: String
    "Plain text."
    blogName: String
    createdAt: DateTime!
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
`;
