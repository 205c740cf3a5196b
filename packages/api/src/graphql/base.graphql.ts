export const baseTypeDefs = /* GraphQL */ `
  "An ISO 8601 date-time in UTC, e.g. 2012-11-24T17:30:00.000Z."
  scalar DateTime

  "Relay-style page information."
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  """
  A problem with the input that the person can fix. \`field\` names the input
  field it applies to (null when it concerns the whole form); \`code\` is stable
  and machine-readable; \`message\` is for people.
  """
  type UserError {
    field: String
    code: String!
    message: String!
  }
`;
