export const postEditorTypeDefs = /* GraphQL */ `
  "Where a post stands. Readers only ever see PUBLISHED posts."
  enum PostStatus {
    DRAFT
    "Published with a publication time still in the future: readers see it from then on."
    SCHEDULED
    PUBLISHED
    "Taken off the site; restorePost brings it back as a draft, deletePost removes it for good."
    TRASH
  }

  "What the editor writes the content in. It is always stored rendered as sanitized HTML too."
  enum ContentFormat {
    HTML
    MARKDOWN
  }

  "A saved version of a post's text. Every save that changes the text keeps one."
  type PostRevision {
    id: ID!
    title: String!
    "The source as written, in contentFormat."
    content: String!
    contentFormat: ContentFormat!
    excerpt: String!
    "Tag names."
    tags: [String!]!
    createdAt: DateTime!
    "Display name of the user who saved it; null when unknown (e.g. the seed's first version)."
    createdBy: String
  }

  extend type Post {
    status: PostStatus!
    createdAt: DateTime!
    "Editors only (who may read this post's drafts or edit it): the source as written."
    contentSource: String
    "Editors only, like contentSource."
    contentFormat: ContentFormat
    "Editors only, like contentSource: newest first."
    revisions: [PostRevision!]
  }

  input CreatePostInput {
    "Required, at most 300 characters."
    title: String!
    "Lowercase words joined by hyphens; made from the title when empty (-2, -3 … added on a clash)."
    slug: String
    "In contentFormat; stored as sanitized HTML."
    content: String
    contentFormat: ContentFormat = HTML
    "Plain text; made from the content when empty."
    excerpt: String
    "Tag names; tags are created as needed."
    tags: [String!]
    "Absent: the site's commentsOpenByDefault discussion setting."
    commentsOpen: Boolean
    pingsOpen: Boolean = true
  }

  "Fields left out or null keep their value. An empty slug is made again from the title; an empty excerpt from the content."
  input UpdatePostInput {
    id: ID!
    title: String
    slug: String
    content: String
    contentFormat: ContentFormat
    excerpt: String
    "The full new list; [] removes every tag."
    tags: [String!]
    commentsOpen: Boolean
    pingsOpen: Boolean
  }

  type PostPayload {
    post: Post
    "Empty on success; otherwise nothing was changed."
    errors: [UserError!]!
  }

  type DeletePostPayload {
    deletedId: ID
    errors: [UserError!]!
  }

  extend type Query {
    """
    Every post the viewer may read drafts of (an AUTHOR: their own), whatever
    its status, most recently updated first. Without \`status\`, all but the
    trashed ones. \`search\` looks in titles.
    """
    editorPosts(status: PostStatus, search: String, first: Int, after: String): PostConnection!
    "Any post by id, whatever its status; null when there is none."
    editorPost(id: ID!): Post
    """
    The HTML readers would get for \`content\` in \`format\`: the same Markdown
    renderer and sanitizer as saving and publishing, for an editor's live
    preview. Nothing is stored. For those who may create or edit posts (an
    AUTHOR too); BAD_USER_INPUT for content over the length a post may have.
    """
    previewPostContent(content: String!, format: ContentFormat!): String!
  }

  extend type Mutation {
    "Creates a draft credited to the viewer."
    createPost(input: CreatePostInput!): PostPayload!
    updatePost(input: UpdatePostInput!): PostPayload!
    """
    Publishes now, or at \`publishAt\` (must be in the future): until then the
    post is SCHEDULED and readers do not see it.
    """
    publishPost(id: ID!, publishAt: DateTime): PostPayload!
    "Back to a draft."
    unpublishPost(id: ID!): PostPayload!
    trashPost(id: ID!): PostPayload!
    "Out of the trash, as a draft."
    restorePost(id: ID!): PostPayload!
    "For good, with its comments and linkbacks; only from the trash."
    deletePost(id: ID!): DeletePostPayload!
    "Brings back a revision's title, content, excerpt and tags (the slug stays); keeps a new revision."
    restorePostRevision(revisionId: ID!): PostPayload!
  }
`;
