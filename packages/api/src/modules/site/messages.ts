// Every message an administrator can see about site settings, in one place.
export const LIMITS = { title: 200, description: 1000 } as const;

export const messages = {
  titleRequired: 'Please give the site a title.',
  titleTooLong: `The title can be at most ${LIMITS.title} characters.`,
  descriptionTooLong: `The description can be at most ${LIMITS.description} characters.`,
  publicUrlInvalid:
    'The public URL must be an absolute http:// or https:// address without user name, password, query or fragment.',
  publicUrlFromEnvironment:
    'PUBLIC_URL is set in the server environment, and it wins: change it there (or unset it to manage the URL here).',
} as const;
