import { clean, EMAIL } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { LIMITS, messages } from './messages.js';

export interface CommentFields {
  authorName: string;
  authorEmail: string;
  authorUrl: string | null;
  content: string;
}

/** The serialized URL when `raw` is an http(s) URL with a host and no credentials; null otherwise. */
function httpHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
    if (url.username || url.password) return null;
    return url.href;
  } catch {
    return null;
  }
}

/**
 * A stored commenter URL as readers get it: serialized, and null unless it
 * is http(s). Rows written before URLs were stored serialized come out the same.
 */
export function publicAuthorUrl(stored: string | null): string | null {
  return stored === null ? null : httpHref(stored);
}

/** Normalises the commenter's fields and checks each one; errors name their field. */
export function validateCommentFields(input: {
  authorName: string;
  authorEmail: string;
  authorUrl?: string | null;
  content: string;
}): { value: CommentFields; errors: UserError[] } {
  const errors: UserError[] = [];
  const add = (field: string, code: string, message: string) =>
    errors.push({ field, code, message });

  const authorName = clean(input.authorName).replace(/\s+/g, ' ');
  if (!authorName) add('authorName', 'REQUIRED', messages.nameRequired);
  else if (authorName.length > LIMITS.authorName)
    add('authorName', 'TOO_LONG', messages.nameTooLong);

  const authorEmail = clean(input.authorEmail).toLowerCase();
  if (!authorEmail) add('authorEmail', 'REQUIRED', messages.emailRequired);
  else if (authorEmail.length > LIMITS.authorEmail)
    add('authorEmail', 'TOO_LONG', messages.emailTooLong);
  else if (!EMAIL.test(authorEmail)) add('authorEmail', 'INVALID_EMAIL', messages.emailInvalid);

  // Stored and returned as the WHATWG serialization (quotes, angle brackets
  // and spaces percent-encoded), never as typed; the limit applies to that form.
  const rawUrl = clean(input.authorUrl);
  let authorUrl: string | null = null;
  if (rawUrl) {
    const href = rawUrl.length > LIMITS.authorUrl ? null : httpHref(rawUrl);
    if (rawUrl.length > LIMITS.authorUrl) add('authorUrl', 'TOO_LONG', messages.urlTooLong);
    else if (href === null) add('authorUrl', 'INVALID_URL', messages.urlInvalid);
    else if (href.length > LIMITS.authorUrl) add('authorUrl', 'TOO_LONG', messages.urlTooLong);
    else authorUrl = href;
  }

  const content = clean(input.content.replace(/\r\n?/g, '\n'));
  if (!content) add('content', 'REQUIRED', messages.contentRequired);
  else if (content.length > LIMITS.content) add('content', 'TOO_LONG', messages.contentTooLong);

  return { value: { authorName, authorEmail, authorUrl, content }, errors };
}
