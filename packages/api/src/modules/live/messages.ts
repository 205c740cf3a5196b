/** What the live module tells clients, in one place. */
export const messages = {
  badPostId: 'postId must be the id of a published post.',
  noSuchPost: 'There is no published post with that id.',
  forbidden: 'Your account may not moderate comments or linkbacks.',
};
