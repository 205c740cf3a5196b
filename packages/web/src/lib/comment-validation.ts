import { COMMENT_FIELDS, type CommentErrorCode, type CommentField } from './comment-messages';

/** What the server says of each field (DiscussionSettings.commentFields). */
export interface FieldRule {
  required: boolean;
  maxLength: number;
}
export type FieldRules = Record<CommentField, FieldRule>;

/** The four fields a visitor fills in; the honeypot travels separately. */
export type CommentFieldValues = Record<CommentField, string>;

/** A client-side check that failed, with the server's code for the same problem. */
export type FieldCodes = Partial<Record<CommentField, CommentErrorCode>>;

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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** What is wrong with the form of a value that is present and not too long. */
function formatCode(field: CommentField, value: string): CommentErrorCode | undefined {
  if (field === 'authorEmail' && !EMAIL_PATTERN.test(value)) return 'INVALID_EMAIL';
  if (field === 'authorUrl' && !(/^https?:\/\//i.test(value) && isHttpUrl(value)))
    return 'INVALID_URL';
  return undefined;
}

/** Mirrors the server's checks, with its rules; returns the code of each invalid field. */
export function validateCommentFields(values: CommentFieldValues, rules: FieldRules): FieldCodes {
  const codes: FieldCodes = {};
  for (const field of COMMENT_FIELDS) {
    // The comment keeps (and counts) its white space; the other fields are sent trimmed.
    const value = field === 'content' ? values.content : values[field].trim();
    const { required, maxLength } = rules[field];
    let code: CommentErrorCode | undefined;
    if (!value.trim()) code = required ? 'REQUIRED' : undefined;
    else if (value.length > maxLength) code = 'TOO_LONG';
    else code = formatCode(field, value);
    if (code) codes[field] = code;
  }
  return codes;
}
