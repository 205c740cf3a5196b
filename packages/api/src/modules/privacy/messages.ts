// Every message an administrator can see about personal data requests, in one place.

export const LIMITS = { email: 254 } as const;

export const messages = {
  emailRequired: 'Give the email address whose data is wanted.',
  emailInvalid: 'That is not an email address.',
  emailTooLong: `An email address has at most ${LIMITS.email} characters.`,
  modeInvalid: 'The mode must be REMOVE or ANONYMISE.',
} as const;
