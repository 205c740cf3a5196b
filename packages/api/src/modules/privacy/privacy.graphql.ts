export const privacyTypeDefs = /* GraphQL */ `
  "How personal data is erased."
  enum ErasureMode {
    "Delete the records (comments: other people's replies below stay, moved up a level)."
    REMOVE
    "Keep the records, with what identifies the person removed (comments: shown as Anonymous)."
    ANONYMISE
  }

  type PersonalDataPost {
    id: ID!
    slug: String!
    title: String!
  }

  "A comment written with the address, as stored."
  type PersonalDataComment {
    id: ID!
    post: PersonalDataPost!
    parentId: ID
    status: CommentStatus!
    authorName: String!
    authorEmail: String!
    authorUrl: String
    content: String!
    createdAt: DateTime!
    ip: String
    userAgent: String
  }

  "How many records one part of the site holds (or held) for the address."
  type PersonalDataPart {
    "comments, and whatever other modules keep (e.g. notification subscriptions)."
    name: String!
    count: Int!
  }

  """
  Everything stored for an email address (GDPR article 15): the comments
  written with it, and every other module's part. Accounts of editors are
  not included (see docs/privacy.md).
  """
  type PersonalDataExport {
    "The address as matched: trimmed and lowercased, compared without case."
    email: String!
    exportedAt: DateTime!
    comments: [PersonalDataComment!]!
    parts: [PersonalDataPart!]!
    "The whole export as one JSON document, every part included (what the CLI writes)."
    json: String!
  }

  type ErasePersonalDataPayload {
    mode: ErasureMode
    "Records removed or anonymised, by part; null when the input was refused."
    erased: [PersonalDataPart!]
    errors: [UserError!]!
  }

  extend type Query {
    "ADMIN only (a signed-in session). An address that is not one is a BAD_USER_INPUT error."
    personalData(email: String!): PersonalDataExport!
  }

  extend type Mutation {
    """
    ADMIN only (a signed-in session): erases everything stored for the
    address (GDPR article 17), in one unit of work. Logged without the address.
    """
    erasePersonalData(email: String!, mode: ErasureMode!): ErasePersonalDataPayload!
  }
`;
