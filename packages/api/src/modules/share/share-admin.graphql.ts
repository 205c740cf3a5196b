export const shareAdminTypeDefs = /* GraphQL */ `
  "A share target as administrators manage it, shown or not."
  type EditorShareTarget {
    key: String!
    name: String!
    label: String!
    """
    The share URL with {url}, {title} and {excerpt} placeholders (each
    URL-encoded when filled). Must make an https: or mailto: URL.
    """
    urlTemplate: String!
    "Shown to readers when enabled and not retired."
    enabled: Boolean!
    "The service is gone; kept with the reason, never shown."
    retired: Boolean!
    retiredReason: String
    "0 comes first."
    position: Int!
  }

  input CreateShareTargetInput {
    "Lowercase words joined by hyphens, unique, e.g. hacker-news. It cannot be changed later."
    key: String!
    name: String!
    label: String!
    urlTemplate: String!
    enabled: Boolean = true
    retired: Boolean = false
    "Required when retired."
    retiredReason: String
  }

  "Fields left out or null keep their value; disable or enable a target with \`enabled\`."
  input UpdateShareTargetInput {
    "Which target."
    key: String!
    name: String
    label: String
    urlTemplate: String
    enabled: Boolean
    retired: Boolean
    retiredReason: String
  }

  type ShareTargetPayload {
    shareTarget: EditorShareTarget
    "Empty on success; otherwise nothing was changed. A refused template is INVALID_TEMPLATE on urlTemplate."
    errors: [UserError!]!
  }

  type ReorderShareTargetsPayload {
    "Every target in the new order."
    shareTargets: [EditorShareTarget!]!
    errors: [UserError!]!
  }

  extend type Query {
    "Every share target in display order, shown or not (shareTarget:manage)."
    editorShareTargets: [EditorShareTarget!]!
  }

  extend type Mutation {
    "Adds a target at the end of the order."
    createShareTarget(input: CreateShareTargetInput!): ShareTargetPayload!
    updateShareTarget(input: UpdateShareTargetInput!): ShareTargetPayload!
    "The listed keys come first, in that order; the other targets follow in their current order."
    reorderShareTargets(keys: [String!]!): ReorderShareTargetsPayload!
  }
`;
