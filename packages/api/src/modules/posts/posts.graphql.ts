export const postsTypeDefs = /* GraphQL */ `
  type Author {
    id: ID!
    name: String!
    "The author's own website, when they gave one."
    url: String
  }

  type Tag {
    id: ID!
    "Display name, e.g. smsmhealth."
    name: String!
    slug: String!
  }

  type Post {
    id: ID!
    slug: String!
    title: String!
    "HTML, sanitized on the server."
    content: String!
    "Plain text summary."
    excerpt: String!
    publishedAt: DateTime
    updatedAt: DateTime!
    "Canonical absolute URL, under PUBLIC_URL."
    url: String!
    author: Author!
    tags: [Tag!]!
    """
    Whether the post takes new comments now: its own setting, and false once it
    is older than DiscussionSettings.closeCommentsAfterDays.
    """
    commentsOpen: Boolean!
    pingsOpen: Boolean!
    "Approved comments, replies included."
    commentCount: Int!
    "Approved top-level comments, oldest first."
    comments(first: Int, after: String): CommentConnection!
    "Approved trackbacks, pingbacks and webmentions, oldest first."
    linkbackCount: Int!
    linkbacks(first: Int, after: String): LinkbackConnection!
    "One link per enabled share target, in display order."
    shareLinks: [ShareLink!]!
  }

  type PostEdge {
    cursor: String!
    node: Post!
  }

  type PostConnection {
    edges: [PostEdge!]!
    pageInfo: PageInfo!
  }

  extend type Query {
    "A published post by slug; null for unknown slugs and for posts readers may not see."
    post(slug: String!): Post
    "Published posts, newest first; \`tag\` filters by tag slug."
    posts(first: Int, after: String, tag: String): PostConnection!
  }
`;
