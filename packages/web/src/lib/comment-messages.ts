// Every message the comment flow shows, keyed by the codes of the server's
// UserError (SubmitCommentPayload.errors), so that the client-side checks and
// the server's answers say the same thing. test/comment-messages.test.ts fails
// when the API returns a code this catalog does not know.

/** Input field names, as the API's UserError.field uses them, in form order. */
export const COMMENT_FIELDS = ['content', 'authorName', 'authorEmail', 'authorUrl'] as const;
export type CommentField = (typeof COMMENT_FIELDS)[number];

export function isCommentField(field: string | null | undefined): field is CommentField {
  return (COMMENT_FIELDS as readonly (string | null | undefined)[]).includes(field);
}

export interface MessageContext {
  /** The form field the error is about; null when it concerns the whole form. */
  field: CommentField | null;
  /** That field's limit from the discussion settings; null when it has none. */
  maxLength: number | null;
  /** What the server said (empty for client-side checks, whose codes all have a message). */
  serverMessage: string;
}

const REQUIRED: Record<CommentField, string> = {
  content: 'Please write a comment.',
  authorName: 'Please enter your name.',
  authorEmail: 'Please enter your email address.',
  authorUrl: 'Please enter your website address.',
};

const NOUN: Record<CommentField, string> = {
  content: 'Your comment',
  authorName: 'Your name',
  authorEmail: 'Your email address',
  authorUrl: 'Your website address',
};

export const COMMENT_ERROR_MESSAGES = {
  // Field-level (packages/api/src/modules/comments/validation.ts).
  REQUIRED: ({ field, serverMessage }) => (field ? REQUIRED[field] : serverMessage),
  TOO_LONG: ({ field, maxLength, serverMessage }) =>
    field && maxLength !== null
      ? `${NOUN[field]} can be at most ${maxLength.toLocaleString('en')} characters long.`
      : serverMessage,
  INVALID_EMAIL: () => 'Please enter a valid email address, like name@example.com.',
  INVALID_URL: () =>
    'Please enter a full website address starting with http:// or https://, like https://example.com.',
  // The post and the comment replied to (pipeline.ts); shown above the form.
  POST_NOT_FOUND: () => 'This post is no longer published, so it takes no comments.',
  PARENT_NOT_FOUND: () => 'The comment you are replying to is no longer there.',
  PARENT_OTHER_POST: () => 'The comment you are replying to belongs to another post.',
  THREAD_TOO_DEEP: () =>
    'This thread is as deep as it can go; reply to an earlier comment instead.',
  // Whole-form refusals (field null).
  COMMENTS_CLOSED: () => 'Comments are closed on this post.',
  DUPLICATE: () => 'You have already posted this comment.',
  // Only the server knows how long to wait, and its message says so.
  RATE_LIMITED: ({ serverMessage }) => serverMessage,
  // Client-side only: the request failed, or the answer had neither comment nor errors.
  NETWORK_ERROR: () => 'Could not send your comment. Check your connection and try again.',
} satisfies Record<string, (context: MessageContext) => string>;

export type CommentErrorCode = keyof typeof COMMENT_ERROR_MESSAGES;

export function isKnownCode(code: string): code is CommentErrorCode {
  return Object.hasOwn(COMMENT_ERROR_MESSAGES, code);
}

/** The message for a code; a code this catalog does not know shows the server's message. */
export function commentErrorMessage(code: string, context: MessageContext): string {
  return isKnownCode(code) ? COMMENT_ERROR_MESSAGES[code](context) : context.serverMessage;
}

/** What the live region says as a submission goes. */
export const COMMENT_STATUS = {
  sending: 'Sending your comment…',
  published: 'Your comment has been published.',
  pending: 'Thank you. Your comment is awaiting moderation.',
  refused: 'Your comment was not posted. Please correct the errors in the form.',
} as const;
