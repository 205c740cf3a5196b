// Every message about accounts and access, in one place.
export const LIMITS = {
  displayName: 200,
  email: 254,
  passwordMin: 10,
  /** scrypt takes any length, but a megabyte "password" is a denial of service, not a secret. */
  passwordMax: 1000,
  tokenName: 100,
} as const;

export const messages = {
  signInRequired: 'Sign in to do this.',
  invalidToken:
    'The access token is not valid: it is unknown, has expired or was revoked. Sign in again or use another token.',
  badAuthorizationHeader: 'The Authorization header must be "Bearer <token>".',
  invalidCredentials: 'The email address or password is not correct.',
  rateLimited: (retryAt: Date) =>
    `Too many failed sign-in attempts. Try again after ${retryAt.toISOString()}.`,
  forbiddenRole: (role: string, action: string) => `Your role (${role}) does not allow ${action}.`,
  forbiddenNotOwn: (action: string) => `You may only do ${action} on your own posts.`,
  forbiddenScope: (action: string, scopes: string[]) =>
    scopes.length === 0
      ? `${action} needs a signed-in session; API tokens cannot do it.`
      : `This API token lacks the scope for ${action} (needs ${scopes.join(' or ')}).`,
  signOutNeedsSession:
    'Signing out ends a session; to stop using an API token, revoke it with revokeApiToken.',
  emailRequired: 'Please enter an email address.',
  emailInvalid: 'Please enter a valid email address, like name@example.com.',
  emailTooLong: `The email address can be at most ${LIMITS.email} characters.`,
  emailTaken: 'A user with this email address already exists.',
  nameRequired: 'Please enter a display name.',
  nameTooLong: `The display name can be at most ${LIMITS.displayName} characters.`,
  passwordTooShort: `The password must be at least ${LIMITS.passwordMin} characters.`,
  passwordTooLong: `The password can be at most ${LIMITS.passwordMax} characters.`,
  roleInvalid: 'The role must be ADMIN, EDITOR or AUTHOR.',
  userNotFound: 'There is no user with this email address.',
  userIdNotFound: 'There is no user with this id.',
  lastAdmin:
    'This is the only ADMIN: make another user an ADMIN first, so that someone can still manage the site.',
  tokenNameRequired: 'Please name the token, e.g. after the tool that will use it.',
  tokenNameTooLong: `The token name can be at most ${LIMITS.tokenName} characters.`,
  scopesRequired: 'Choose at least one scope.',
  scopeInvalid: 'The scopes must be READ_DRAFTS, WRITE_CONTENT or MODERATE.',
  expiryInPast: 'The expiry date must be in the future.',
  tokenNotFound: 'You have no API token with this id.',
} as const;
