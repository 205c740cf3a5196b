export const usersTypeDefs = /* GraphQL */ `
  "An account that can sign in. Only ADMINs (signed in, not with an API token) see them."
  type User {
    id: ID!
    "Stored lowercased; what the user signs in with."
    email: String!
    displayName: String!
    role: Role!
    "The author profile the user's posts are credited to (its name is what readers see)."
    author: Author!
    createdAt: DateTime!
  }

  type UserEdge {
    cursor: String!
    node: User!
  }

  type UserConnection {
    edges: [UserEdge!]!
    pageInfo: PageInfo!
    "Every user (not only this page)."
    totalCount: Int!
  }

  input CreateUserInput {
    "Unique, compared without case; at most 254 characters."
    email: String!
    "At most 200 characters."
    displayName: String!
    role: Role!
    "At least 10 and at most 1000 characters. Never stored or logged, only its scrypt hash."
    password: String!
  }

  type UserPayload {
    user: User
    "Empty on success; otherwise nothing was changed."
    errors: [UserError!]!
  }

  extend type Query {
    "ADMIN only (a signed-in session): every account, newest first."
    users(first: Int, after: String): UserConnection!
  }

  extend type Mutation {
    """
    ADMIN only (a signed-in session): a new account, linked to the author
    profile with the same email address or a new one. TAKEN on \`email\` when
    the address has an account already.
    """
    createUser(input: CreateUserInput!): UserPayload!
    """
    ADMIN only (a signed-in session). LAST_ADMIN on \`role\` when it would
    leave the site without an ADMIN; NOT_FOUND on \`id\` for an unknown user.
    Takes effect at the user's next request, for their API tokens too.
    Passwords are reset with the operator CLI, not here.
    """
    setUserRole(id: ID!, role: Role!): UserPayload!
  }
`;
