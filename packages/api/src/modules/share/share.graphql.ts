export const shareTypeDefs = /* GraphQL */ `
  type ShareTarget {
    "Stable identifier, e.g. twitter."
    key: String!
    "Service name, e.g. Twitter."
    name: String!
    "Call to action shown on the button, e.g. Share on Reddit."
    label: String!
  }

  type ShareLink {
    target: ShareTarget!
    "The share URL with the post's URL, title and excerpt filled in."
    url: String!
  }

  extend type Query {
    "Enabled share targets, in display order."
    shareTargets: [ShareTarget!]!
  }
`;
