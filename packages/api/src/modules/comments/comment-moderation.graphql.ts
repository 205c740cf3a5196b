export const commentModerationTypeDefs = /* GraphQL */ `
  extend type Comment {
    "Written by the post's own author (a reply from the moderation queue)."
    byPostAuthor: Boolean!
  }

  """
  A comment as moderators see it, whatever its status. The commenter's
  private details (email, website, IP address, user agent) need
  comment:readPrivate on the post: without it those fields are null with a
  FORBIDDEN error.
  """
  type EditorComment {
    id: ID!
    status: CommentStatus!
    post: Post!
    "The comment this one replies to; null for top-level comments."
    parentId: ID
    depth: Int!
    authorName: String!
    authorEmail: String
    authorUrl: String
    ip: String
    userAgent: String
    "HTML rendered on the server from the plain text."
    content: String!
    "The plain text as written."
    contentText: String!
    byPostAuthor: Boolean!
    """
    Why the comment pipeline held it or marked it as spam, e.g.
    'held: 3 links (limit 2)'; null when it passed every rule or an editor wrote it.
    """
    moderationReason: String
    createdAt: DateTime!
  }

  type EditorCommentEdge {
    cursor: String!
    node: EditorComment!
  }

  type EditorCommentConnection {
    edges: [EditorCommentEdge!]!
    pageInfo: PageInfo!
    "All comments matching the filters (not only this page)."
    totalCount: Int!
  }

  "How many comments of each status match the filters."
  type CommentCounts {
    pending: Int!
    approved: Int!
    spam: Int!
    trash: Int!
  }

  type ModerateCommentsPayload {
    "The comments as they are now, by id."
    comments: [EditorComment!]!
    "Empty on success; otherwise nothing was changed."
    errors: [UserError!]!
  }

  input EditCommentInput {
    id: ID!
    "Plain text, as in a submission."
    content: String!
    authorName: String!
    authorUrl: String
  }

  type EditorCommentPayload {
    comment: EditorComment
    errors: [UserError!]!
  }

  type DeleteCommentPayload {
    "The comment and its replies, all deleted."
    deletedIds: [ID!]!
    errors: [UserError!]!
  }

  extend type Query {
    """
    The moderation queue, newest first: comments of every status (or of
    \`status\`), on every post the viewer may moderate (an AUTHOR: their own;
    FORBIDDEN for a \`postId\` that is not theirs). \`search\` looks in the
    commenter's name, email and the text.
    """
    comments(
      status: CommentStatus
      postId: ID
      search: String
      first: Int
      after: String
    ): EditorCommentConnection!
    "Counts per status for the same filters as \`comments\`."
    commentCounts(postId: ID, search: String): CommentCounts!
  }

  extend type Mutation {
    """
    Sets the status of up to 100 comments. All or nothing: an unknown id is a
    NOT_FOUND error in the payload, a comment the viewer may not moderate
    makes the whole request FORBIDDEN; either way nothing changes.
    """
    moderateComments(ids: [ID!]!, status: CommentStatus!): ModerateCommentsPayload!
    "Corrects a comment, with the same checks as a submission (the email is not editable)."
    editComment(input: EditCommentInput!): EditorCommentPayload!
    "Deletes a comment in the trash for good, with its replies."
    deleteComment(id: ID!): DeleteCommentPayload!
    """
    Replies to an approved comment as the signed-in user: approved at once;
    byPostAuthor when the viewer wrote the post.
    """
    replyAsAuthor(parentId: ID!, content: String!): EditorCommentPayload!
  }
`;
