import { clean, EMAIL } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { LIMITS, messages } from './messages.js';

export interface CommentFields {
  authorName: string;
  authorEmail: string;
  authorUrl: string | null;
  content: string;
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

  const rawUrl = clean(input.authorUrl);
  let authorUrl: string | null = null;
  if (rawUrl) {
    if (rawUrl.length > LIMITS.authorUrl) add('authorUrl', 'TOO_LONG', messages.urlTooLong);
    else {
      try {
        const url = new URL(rawUrl);
        if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname)
          throw new Error();
        if (url.username || url.password) throw new Error();
        authorUrl = url.href.length <= LIMITS.authorUrl ? url.href : rawUrl;
      } catch {
        add('authorUrl', 'INVALID_URL', messages.urlInvalid);
      }
    }
  }

  const content = clean(input.content.replace(/\r\n?/g, '\n'));
  if (!content) add('content', 'REQUIRED', messages.contentRequired);
  else if (content.length > LIMITS.content) add('content', 'TOO_LONG', messages.contentTooLong);

  return { value: { authorName, authorEmail, authorUrl, content }, errors };
}
