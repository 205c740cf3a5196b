export const discussionTypeDefs = /* GraphQL */ `
  "A field of SubmitCommentInput, as a comment form should treat it."
  type CommentFormField {
    "The input field: content, authorName, authorEmail or authorUrl."
    name: String!
    "Whether it must not be blank."
    required: Boolean!
    "The most characters it may hold."
    maxLength: Int!
  }

  "What a comment form needs to know about the site's discussion rules."
  type DiscussionSettings {
    "Whether new posts take comments unless their editor closes them."
    commentsOpenByDefault: Boolean!
    "The fields a visitor fills in, in form order."
    commentFields: [CommentFormField!]!
    """
    How many levels a thread has: comments have depths 0 to threadDepth - 1,
    and a comment at depth threadDepth - 1 takes no replies (THREAD_TOO_DEEP).
    """
    threadDepth: Int!
    """
    Posts published longer ago than this many days take no new comments
    (their commentsOpen is false); null when posts do not close with age.
    """
    closeCommentsAfterDays: Int
  }

  extend type Query {
    discussionSettings: DiscussionSettings!
  }
`;
