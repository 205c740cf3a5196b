import { describe, expect, it } from 'vitest';
import { commentErrorMessage, type CommentField } from '../src/lib/comment-messages';
import {
  validateCommentFields,
  type CommentFieldValues,
  type FieldRules,
} from '../src/lib/comment-validation';
import { formRules } from './helpers';

const valid: CommentFieldValues = {
  content: 'Sound pretty much like a Social Media Surgery to me',
  authorName: 'Dave Briggs',
  authorEmail: 'dave@example.com',
  authorUrl: '',
};

/** What the form shows under each invalid field. */
function messages(values: Partial<CommentFieldValues>, rules: FieldRules = formRules()) {
  const codes = validateCommentFields({ ...valid, ...values }, rules);
  return Object.fromEntries(
    Object.entries(codes).map(([field, code]) => [
      field,
      `${code}: ${commentErrorMessage(code, {
        field: field as CommentField,
        maxLength: rules[field as CommentField].maxLength,
        serverMessage: '',
      })}`,
    ]),
  );
}

const invalidUrl =
  'INVALID_URL: Please enter a full website address starting with http:// or https://, like https://example.com.';

describe('validateCommentFields', () => {
  it('accepts a valid draft', () => {
    expect(messages({})).toEqual({});
  });

  it.each([
    ['missing name', { authorName: '  ' }, 'authorName', 'REQUIRED: Please enter your name.'],
    [
      'long name',
      { authorName: 'n'.repeat(246) },
      'authorName',
      'TOO_LONG: Your name can be at most 245 characters long.',
    ],
    [
      'missing email',
      { authorEmail: '' },
      'authorEmail',
      'REQUIRED: Please enter your email address.',
    ],
    [
      'bad email',
      { authorEmail: 'dave@example' },
      'authorEmail',
      'INVALID_EMAIL: Please enter a valid email address, like name@example.com.',
    ],
    [
      'long email',
      { authorEmail: `${'d'.repeat(90)}@example.com` },
      'authorEmail',
      'TOO_LONG: Your email address can be at most 100 characters long.',
    ],
    ['non-http website', { authorUrl: 'ftp://example.com' }, 'authorUrl', invalidUrl],
    ['javascript: website', { authorUrl: 'javascript:alert(1)' }, 'authorUrl', invalidUrl],
    ['malformed website', { authorUrl: 'http://' }, 'authorUrl', invalidUrl],
    [
      'long website',
      { authorUrl: `https://example.com/${'p'.repeat(190)}` },
      'authorUrl',
      'TOO_LONG: Your website address can be at most 200 characters long.',
    ],
    ['empty comment', { content: ' \n ' }, 'content', 'REQUIRED: Please write a comment.'],
    [
      'long comment',
      { content: 'c'.repeat(10_001) },
      'content',
      'TOO_LONG: Your comment can be at most 10,000 characters long.',
    ],
  ] as const)('rejects a %s, and only that field', (_case, values, field, expected) => {
    expect(messages(values)).toEqual({ [field]: expected });
  });

  it('accepts limits exactly at the maximum', () => {
    expect(
      messages({
        authorName: 'n'.repeat(245),
        authorEmail: `${'d'.repeat(88)}@example.com`,
        authorUrl: `https://example.com/${'p'.repeat(180)}`,
        content: 'c'.repeat(10_000),
      }),
    ).toEqual({});
  });

  it("takes limits and required fields from the server's rules", () => {
    const rules = formRules({
      authorName: { required: true, maxLength: 10 },
      authorEmail: { required: false, maxLength: 100 },
      authorUrl: { required: true, maxLength: 200 },
    });
    expect(messages({ authorName: 'n'.repeat(11), authorEmail: '' }, rules)).toEqual({
      authorName: 'TOO_LONG: Your name can be at most 10 characters long.',
      authorUrl: 'REQUIRED: Please enter your website address.',
    });
    expect(
      messages({ authorName: 'n'.repeat(10), authorUrl: 'https://example.com' }, rules),
    ).toEqual({});
  });
});
