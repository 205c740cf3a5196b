// Every message a commenter can see, in one place.
export const LIMITS = {
  authorName: 245,
  authorEmail: 100,
  authorUrl: 200,
  content: 10_000,
  /** Depths 0..4: top-level comments and four levels of replies. */
  maxDepth: 4,
} as const;

export const messages = {
  postNotFound: 'This post does not exist or is not published.',
  commentsClosed: 'Comments are closed on this post.',
  parentNotFound: 'The comment you are replying to does not exist.',
  parentOtherPost: 'The comment you are replying to belongs to another post.',
  threadTooDeep: 'This thread is as deep as it can go; reply to an earlier comment instead.',
  commentNotFound: 'There is no comment with this id.',
  replyNeedsApprovedParent:
    'Approve this comment before replying to it: readers cannot see it yet.',
  postInTrash: 'This post is in the trash.',
  notInTrash: 'Only a comment in the trash can be deleted for good: trash it first.',
  someCommentsNotFound: 'Some of these comments do not exist (any more); nothing was changed.',
  tooManyIds: 'Moderate at most 100 comments at once.',
  idsRequired: 'Choose at least one comment.',
  nameRequired: 'Please enter your name.',
  nameTooLong: `Your name can be at most ${LIMITS.authorName} characters.`,
  emailRequired: 'Please enter your email address.',
  emailTooLong: `Your email address can be at most ${LIMITS.authorEmail} characters.`,
  emailInvalid: 'Please enter a valid email address, like name@example.com.',
  urlTooLong: `Your website address can be at most ${LIMITS.authorUrl} characters.`,
  urlInvalid: 'Your website must be a full address starting with http:// or https://.',
  contentRequired: 'Please write a comment.',
  contentTooLong: `Your comment can be at most ${LIMITS.content.toLocaleString('en')} characters.`,
} as const;
