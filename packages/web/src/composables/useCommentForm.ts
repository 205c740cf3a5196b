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

/** A draft as the form sends it: with the honeypot, which people leave empty. */
export interface CommentSubmission extends CommentDraft {
  homepage: string;
}

export type FieldErrors = Partial<Record<CommentField, string>>;

/** What the server says of each field (DiscussionSettings.commentFields). */
export interface FieldRule {
  required: boolean;
  maxLength: number;
}
export type FieldRules = Record<CommentField, FieldRule>;

/**
 * The rules by field. A field the server does not describe is optional and
 * unbounded here; the server still checks it.
 */
export function fieldRules(
  commentFields: ReadonlyArray<{ name: string; required: boolean; maxLength: number }>,
): FieldRules {
  const rule = (field: CommentField): FieldRule => {
    const described = commentFields.find((f) => f.name === field);
    return described
      ? { required: described.required, maxLength: described.maxLength }
      : { required: false, maxLength: Number.POSITIVE_INFINITY };
  };
  return {
    content: rule('content'),
    authorName: rule('authorName'),
    authorEmail: rule('authorEmail'),
    authorUrl: rule('authorUrl'),
  };
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const atMost = (what: string, limit: number) =>
  `${what} can be at most ${limit.toLocaleString('en')} characters long.`;

export const COMMENT_MESSAGES = {
  nameRequired: 'Please enter your name.',
  nameTooLong: (limit: number) => atMost('Your name', limit),
  emailRequired: 'Please enter your email address.',
  emailInvalid: 'Please enter a valid email address, like name@example.com.',
  emailTooLong: (limit: number) => atMost('Your email address', limit),
  urlRequired: 'Please enter your website address.',
  urlScheme: 'Your website address must start with http:// or https://.',
  urlInvalid: 'Please enter a valid website address, like https://example.com.',
  urlTooLong: (limit: number) => atMost('Your website address', limit),
  contentRequired: 'Please write a comment.',
  contentTooLong: (limit: number) => atMost('Your comment', limit),
} as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const FIELD_MESSAGES: Record<
  CommentField,
  { required: string; tooLong: (limit: number) => string }
> = {
  content: { required: COMMENT_MESSAGES.contentRequired, tooLong: COMMENT_MESSAGES.contentTooLong },
  authorName: { required: COMMENT_MESSAGES.nameRequired, tooLong: COMMENT_MESSAGES.nameTooLong },
  authorEmail: { required: COMMENT_MESSAGES.emailRequired, tooLong: COMMENT_MESSAGES.emailTooLong },
  authorUrl: { required: COMMENT_MESSAGES.urlRequired, tooLong: COMMENT_MESSAGES.urlTooLong },
};

/** What is wrong with the form of a value that is present and not too long. */
function formatError(field: CommentField, value: string): string | undefined {
  if (field === 'authorEmail' && !EMAIL_PATTERN.test(value)) return COMMENT_MESSAGES.emailInvalid;
  if (field === 'authorUrl') {
    if (!/^https?:\/\//i.test(value)) return COMMENT_MESSAGES.urlScheme;
    if (!isHttpUrl(value)) return COMMENT_MESSAGES.urlInvalid;
  }
  return undefined;
}

/** Mirrors the server's checks, with its rules; returns one message per invalid field. */
export function validateCommentDraft(draft: CommentDraft, rules: FieldRules): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of COMMENT_FIELDS) {
    // The comment keeps (and counts) its white space; the other fields are sent trimmed.
    const value = field === 'content' ? draft.content : draft[field].trim();
    const { required, maxLength } = rules[field];
    let error: string | undefined;
    if (!value.trim()) error = required ? FIELD_MESSAGES[field].required : undefined;
    else if (value.length > maxLength) error = FIELD_MESSAGES[field].tooLong(maxLength);
    else error = formatError(field, value);
    if (error) errors[field] = error;
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
  rules: MaybeRefOrGetter<FieldRules>,
) {
  const attempted = ref(false);
  const check = () => validateCommentDraft(toValue(draft), toValue(rules));
  const clientErrors = computed<FieldErrors>(() => (attempted.value ? check() : {}));

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
    return Object.keys(check()).length === 0;
  }

  function reset(): void {
    attempted.value = false;
  }

  return { fieldErrors, formErrors, firstInvalidField, validate, reset };
}
