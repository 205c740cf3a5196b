import { computed, ref, toValue, type MaybeRefOrGetter } from 'vue';
import type { UserError } from '../generated/graphql';

/** Input field names, as the API's UserError.field uses them. */
export const COMMENT_FIELDS = ['content', 'authorName', 'authorEmail', 'authorUrl'] as const;
export type CommentField = (typeof COMMENT_FIELDS)[number];

export interface CommentDraft {
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  content: string;
}

export type FieldErrors = Partial<Record<CommentField, string>>;

/** The server's limits; the client checks them first so people get answers sooner. */
export const COMMENT_LIMITS = {
  authorName: 245,
  authorEmail: 100,
  authorUrl: 200,
  content: 10_000,
} as const satisfies Record<CommentField, number>;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const COMMENT_MESSAGES = {
  nameRequired: 'Please enter your name.',
  nameTooLong: `Your name can be at most ${COMMENT_LIMITS.authorName} characters long.`,
  emailRequired: 'Please enter your email address.',
  emailInvalid: 'Please enter a valid email address, like name@example.com.',
  emailTooLong: `Your email address can be at most ${COMMENT_LIMITS.authorEmail} characters long.`,
  urlScheme: 'Your website address must start with http:// or https://.',
  urlInvalid: 'Please enter a valid website address, like https://example.com.',
  urlTooLong: `Your website address can be at most ${COMMENT_LIMITS.authorUrl} characters long.`,
  contentRequired: 'Please write a comment.',
  contentTooLong: `Your comment can be at most ${COMMENT_LIMITS.content.toLocaleString('en')} characters long.`,
} as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Mirrors the server's checks; returns one message per invalid field. */
export function validateCommentDraft(draft: CommentDraft): FieldErrors {
  const errors: FieldErrors = {};
  const name = draft.authorName.trim();
  const email = draft.authorEmail.trim();
  const url = draft.authorUrl.trim();

  if (!draft.content.trim()) errors.content = COMMENT_MESSAGES.contentRequired;
  else if (draft.content.length > COMMENT_LIMITS.content)
    errors.content = COMMENT_MESSAGES.contentTooLong;

  if (!name) errors.authorName = COMMENT_MESSAGES.nameRequired;
  else if (name.length > COMMENT_LIMITS.authorName)
    errors.authorName = COMMENT_MESSAGES.nameTooLong;

  if (!email) errors.authorEmail = COMMENT_MESSAGES.emailRequired;
  else if (email.length > COMMENT_LIMITS.authorEmail)
    errors.authorEmail = COMMENT_MESSAGES.emailTooLong;
  else if (!EMAIL_PATTERN.test(email)) errors.authorEmail = COMMENT_MESSAGES.emailInvalid;

  if (url) {
    if (url.length > COMMENT_LIMITS.authorUrl) errors.authorUrl = COMMENT_MESSAGES.urlTooLong;
    else if (!/^https?:\/\//i.test(url)) errors.authorUrl = COMMENT_MESSAGES.urlScheme;
    else if (!isHttpUrl(url)) errors.authorUrl = COMMENT_MESSAGES.urlInvalid;
  }
  return errors;
}

function isCommentField(field: string | null | undefined): field is CommentField {
  return (COMMENT_FIELDS as readonly (string | null | undefined)[]).includes(field);
}

/**
 * Error state of the comment form: client checks run on submit and, after the
 * first attempt, as the person types; server errors show at their field, or
 * above the form when they concern no field of it (postId, parentId, none).
 */
export function useCommentForm(
  draft: MaybeRefOrGetter<CommentDraft>,
  serverErrors: MaybeRefOrGetter<readonly UserError[]>,
) {
  const attempted = ref(false);
  const clientErrors = computed<FieldErrors>(() =>
    attempted.value ? validateCommentDraft(toValue(draft)) : {},
  );

  const fieldErrors = computed<FieldErrors>(() => {
    const merged: FieldErrors = {};
    for (const error of toValue(serverErrors)) {
      if (isCommentField(error.field) && !merged[error.field]) merged[error.field] = error.message;
    }
    // A fresh client message describes the current value better than the server's.
    return { ...merged, ...clientErrors.value };
  });

  const formErrors = computed(() =>
    toValue(serverErrors)
      .filter((error) => !isCommentField(error.field))
      .map((error) => error.message),
  );

  const firstInvalidField = computed(() =>
    COMMENT_FIELDS.find((field) => fieldErrors.value[field]),
  );

  /** Marks the form as attempted; true when the draft may be sent. */
  function validate(): boolean {
    attempted.value = true;
    return Object.keys(validateCommentDraft(toValue(draft))).length === 0;
  }

  function reset(): void {
    attempted.value = false;
  }

  return { fieldErrors, formErrors, firstInvalidField, validate, reset };
}
