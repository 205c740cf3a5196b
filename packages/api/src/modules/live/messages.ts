/** What the live module tells clients, in one place. */
export const messages = {
  badPostId: 'postId must be the id of a published post.',
  noSuchPost: 'There is no published post with that id.',
  signInRequired:
    'Sign in (a session or API token in connection_init) to follow the moderation queue.',
  forbidden: 'Your account may not moderate comments or linkbacks.',
};
