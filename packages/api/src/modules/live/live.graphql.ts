export const liveTypeDefs = /* GraphQL */ `
  "What a moderation queue change is about."
  enum ModerationItemKind {
    COMMENT
    LINKBACK
  }

  "A comment or linkback that arrived in, or moved within, the moderation queue."
  type ModerationQueueChange {
    kind: ModerationItemKind!
    "The comment's or linkback's id."
    id: ID!
    postId: ID!
    status: CommentStatus!
    "The status it moved from; null when it has just arrived."
    previousStatus: CommentStatus
  }

  """
  Live updates, over WebSocket on /graphql (the graphql-transport-ws
  protocol of graphql-ws); see docs/live.md. Not served over HTTP.
  """
  type Subscription {
    "Each comment that becomes visible on the post (approved), as readers query it."
    commentAdded(postId: ID!): Comment!
    "Each linkback that becomes visible on the post (approved)."
    linkbackAdded(postId: ID!): Linkback!
    """
    Every comment or linkback that arrives in or moves within the moderation
    queue, of the posts the viewer may moderate (an AUTHOR: their own).
    Needs a session or API token in connection_init's payload.
    """
    moderationQueueChanged: ModerationQueueChange!
  }
`;
