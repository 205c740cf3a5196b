// Every message a commenter can see, in one place.
export const LIMITS = {
  authorName: 245,
  authorEmail: 100,
  authorUrl: 200,
  content: 10_000,
} as const;

/** What a comment form needs to know of each field, in form order (DiscussionSettings.commentFields). */
export const COMMENT_FORM_FIELDS = [
  { name: 'content', required: true, maxLength: LIMITS.content },
  { name: 'authorName', required: true, maxLength: LIMITS.authorName },
  { name: 'authorEmail', required: true, maxLength: LIMITS.authorEmail },
  { name: 'authorUrl', required: false, maxLength: LIMITS.authorUrl },
] as const;

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

/** Refusals that concern the whole form rather than one field. */
export const refusals = {
  duplicate: 'You have already posted this comment.',
  rateLimited: (seconds: number) =>
    `You are commenting too quickly. Please wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`,
} as const;

/** Where a listed word was found, as a moderator reads it. */
export const PLACES = {
  content: 'comment',
  authorName: 'name',
  authorEmail: 'email address',
  authorUrl: 'website',
  ip: 'IP address',
} as const;

/**
 * Why a comment was held or marked as spam, stored with it for moderators.
 * Never shown to the commenter.
 */
export const reasons = {
  honeypot: 'spam: the hidden honeypot field was filled in',
  spamWord: (word: string, place: string) => `spam: matched word "${word}" in the ${place}`,
  moderationWord: (word: string, place: string) => `held: matched word "${word}" in the ${place}`,
  links: (count: number, limit: number) => `held: ${count} links (limit ${limit})`,
  holdAll: 'held: moderation mode is HOLD_ALL',
  notApprovedBefore: 'held: no approved comment from this email yet',
} as const;
