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

  enum ModerationMode {
    "Every new comment waits for a moderator."
    HOLD_ALL
    "A comment is approved at once when its email already has an approved comment."
    HOLD_UNLESS_APPROVED_BEFORE
    "Comments that pass every rule are approved at once."
    PUBLISH
  }

  "The discussion rules in full, for administrators (settings:manage)."
  type DiscussionRules {
    commentsOpenByDefault: Boolean!
    moderationMode: ModerationMode!
    "A comment with more links than this is held for moderation."
    maxLinks: Int!
    "Words or phrases that hold a comment for moderation (whole words, any letter case)."
    moderationWords: [String!]!
    "Words or phrases that mark a comment as spam (whole words, any letter case)."
    spamWords: [String!]!
    threadDepth: Int!
    "Null when posts do not close with age."
    closeCommentsAfterDays: Int
    "0 turns the flood rule off."
    minSecondsBetweenComments: Int!
    refuseDuplicates: Boolean!
    """
    Comments older than this many days lose their IP address and user agent
    (cleared hourly by the job worker); null when they are kept for ever.
    """
    keepCommentIpDays: Int
  }

  """
  Absent fields stay as they are; null turns closeCommentsAfterDays off and
  keeps IP addresses for ever (keepCommentIpDays); null is refused elsewhere.
  """
  input DiscussionSettingsInput {
    commentsOpenByDefault: Boolean
    moderationMode: ModerationMode
    maxLinks: Int
    moderationWords: [String!]
    spamWords: [String!]
    threadDepth: Int
    closeCommentsAfterDays: Int
    minSecondsBetweenComments: Int
    refuseDuplicates: Boolean
    "1 to 3650, or null to keep them for ever."
    keepCommentIpDays: Int
  }

  type UpdateDiscussionSettingsPayload {
    settings: DiscussionRules
    errors: [UserError!]!
  }

  extend type Query {
    "The discussion rules in full (ADMIN)."
    discussionRules: DiscussionRules!
  }

  extend type Mutation {
    "Changes the discussion rules (ADMIN); nothing changes when any field is refused."
    updateDiscussionSettings(input: DiscussionSettingsInput!): UpdateDiscussionSettingsPayload!
  }
`;
