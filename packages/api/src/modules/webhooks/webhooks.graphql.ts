export const webhooksTypeDefs = /* GraphQL */ `
  "What a webhook tells of: each is one event of the conversation (docs/webhooks.md)."
  enum WebhookEvent {
    "post.published: a post became visible to readers."
    POST_PUBLISHED
    "post.updated: a visible post's title, content, excerpt, slug or tags changed."
    POST_UPDATED
    "post.unpublished: a visible post was taken off the site."
    POST_UNPUBLISHED
    "comment.created: a comment was stored, held (PENDING, SPAM) or APPROVED at once."
    COMMENT_CREATED
    "comment.status_changed: a comment moved from one status to another."
    COMMENT_STATUS_CHANGED
    "comment.approved: a comment became visible."
    COMMENT_APPROVED
    "linkback.received: a linkback was verified and stored."
    LINKBACK_RECEIVED
    "linkback.status_changed: a linkback moved from one status to another."
    LINKBACK_STATUS_CHANGED
    "linkback.approved: a linkback became visible."
    LINKBACK_APPROVED
  }

  enum WebhookDeliveryStatus {
    "Waiting for its first attempt or for a retry."
    PENDING
    "A 2xx answer came."
    DELIVERED
    "Given up: the attempts ran out, or the answer said that retrying would not help."
    FAILED
  }

  "A receiver of webhooks (webhook:manage). Its signing secret is shown only when it is made."
  type WebhookEndpoint {
    id: ID!
    url: String!
    description: String!
    events: [WebhookEvent!]!
    "Payloads carry commenters' email address, IP address and user agent."
    includePrivateData: Boolean!
    "A disabled endpoint is sent nothing, and nothing is kept for it."
    enabled: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    "Its latest messages, newest first (the delivery log)."
    deliveries(first: Int = 20): [WebhookDelivery!]!
  }

  "One message to one endpoint, with every attempt to deliver it."
  type WebhookDelivery {
    id: ID!
    "The webhook-id header: the same on every attempt and redelivery."
    webhookId: String!
    event: WebhookEvent!
    status: WebhookDeliveryStatus!
    "The JSON body sent (the same on every attempt)."
    payload: String!
    createdAt: DateTime!
    attempts: [WebhookAttempt!]!
  }

  type WebhookAttempt {
    "1 for the first; redeliveries go on counting."
    attempt: Int!
    at: DateTime!
    "The receiver's HTTP status; null when no answer came."
    responseStatus: Int
    durationMs: Int!
    "Why the attempt failed; null when it succeeded."
    error: String
  }

  input CreateWebhookEndpointInput {
    "An absolute http(s) URL of a public host, without credentials."
    url: String!
    events: [WebhookEvent!]!
    description: String = ""
    includePrivateData: Boolean = false
    enabled: Boolean = true
  }

  "Fields left out or null keep their value; disable or enable the endpoint with \`enabled\`."
  input UpdateWebhookEndpointInput {
    url: String
    events: [WebhookEvent!]
    description: String
    includePrivateData: Boolean
    enabled: Boolean
  }

  type WebhookEndpointPayload {
    endpoint: WebhookEndpoint
    """
    The signing secret (whsec_…), after createWebhookEndpoint and
    rotateWebhookSecret only: it cannot be read again.
    """
    secret: String
    "Empty on success; otherwise nothing was changed."
    errors: [UserError!]!
  }

  type DeleteWebhookEndpointPayload {
    deletedId: ID
    errors: [UserError!]!
  }

  type RedeliverWebhookPayload {
    delivery: WebhookDelivery
    errors: [UserError!]!
  }

  extend type Query {
    "Every webhook endpoint (webhook:manage)."
    webhookEndpoints: [WebhookEndpoint!]!
    webhookEndpoint(id: ID!): WebhookEndpoint
  }

  extend type Mutation {
    "Adds an endpoint with a new signing secret, shown in the payload this once."
    createWebhookEndpoint(input: CreateWebhookEndpointInput!): WebhookEndpointPayload!
    updateWebhookEndpoint(id: ID!, input: UpdateWebhookEndpointInput!): WebhookEndpointPayload!
    "A new signing secret, shown this once; the old one signs nothing from now on."
    rotateWebhookSecret(id: ID!): WebhookEndpointPayload!
    "Deletes the endpoint and its delivery log."
    deleteWebhookEndpoint(id: ID!): DeleteWebhookEndpointPayload!
    "Sends a delivery again: the same body and webhook-id, signed with the current secret."
    redeliverWebhook(id: ID!): RedeliverWebhookPayload!
  }
`;
