export const authTypeDefs = /* GraphQL */ `
  enum Role {
    "Everything, including users and settings."
    ADMIN
    "All content and moderation."
    EDITOR
    "Their own posts, and moderation of the comments on them."
    AUTHOR
  }

  enum ApiTokenScope {
    "Read unpublished posts."
    READ_DRAFTS
    "Create, edit, publish and delete posts."
    WRITE_CONTENT
    "Moderate comments and linkbacks, and read commenters' private details."
    MODERATE
  }

  "How far a permission reaches."
  enum PermissionReach {
    "Everything of its kind."
    ALL
    "Only the viewer's own posts and the conversation on them."
    OWN
  }

  type Permission {
    "An action name from the policy, e.g. post:edit or comment:moderate."
    action: String!
    reach: PermissionReach!
  }

  """
  The signed-in user. What they may do is the lesser of their role and, when
  the request uses an API token, the token's scopes; the \`can…\` fields say it.
  """
  type Viewer {
    id: ID!
    email: String!
    displayName: String!
    role: Role!
    "The author profile whose posts are the viewer's own."
    author: Author!
    "The scopes of the API token this request uses; null for a signed-in session."
    scopes: [ApiTokenScope!]
    "May create posts (their own, for an AUTHOR)."
    canCreatePosts: Boolean!
    "May read drafts (their own, for an AUTHOR)."
    canReadDrafts: Boolean!
    "May publish posts (their own, for an AUTHOR)."
    canPublishPosts: Boolean!
    "May moderate comments (on their own posts, for an AUTHOR)."
    canModerateComments: Boolean!
    canManageShareTargets: Boolean!
    canManageSettings: Boolean!
    canManageUsers: Boolean!
    "Everything the viewer may do, with its reach: the table the API enforces."
    permissions: [Permission!]!
  }

  type SignInPayload {
    "The session token: send it as \`Authorization: Bearer <token>\`. Shown once."
    token: String
    expiresAt: DateTime
    viewer: Viewer
    "Empty on success. INVALID_CREDENTIALS for a wrong email or password; RATE_LIMITED after too many failures."
    errors: [UserError!]!
  }

  type SignOutPayload {
    "True once the session has ended; its token no longer works."
    signedOut: Boolean!
  }

  "A personal API token. Its secret is shown only when it is created."
  type ApiToken {
    id: ID!
    name: String!
    scopes: [ApiTokenScope!]!
    createdAt: DateTime!
    lastUsedAt: DateTime
    "Null when the token does not expire."
    expiresAt: DateTime
  }

  input CreateApiTokenInput {
    "What the token is for, e.g. the tool that will use it."
    name: String!
    scopes: [ApiTokenScope!]!
    expiresAt: DateTime
  }

  type CreateApiTokenPayload {
    "The secret, shown this once: store it now."
    token: String
    apiToken: ApiToken
    errors: [UserError!]!
  }

  type RevokeApiTokenPayload {
    revoked: Boolean!
    errors: [UserError!]!
  }

  extend type Query {
    "The signed-in user; null for anonymous requests."
    viewer: Viewer
    "The viewer's own API tokens, newest first. Needs a signed-in session."
    apiTokens: [ApiToken!]!
  }

  extend type Mutation {
    "Opens a session. Wrong email and wrong password get the same answer."
    signIn(email: String!, password: String!): SignInPayload!
    "Ends the session this request is signed in with."
    signOut: SignOutPayload!
    "Needs a signed-in session (an API token cannot create tokens)."
    createApiToken(input: CreateApiTokenInput!): CreateApiTokenPayload!
    revokeApiToken(id: ID!): RevokeApiTokenPayload!
  }
`;
