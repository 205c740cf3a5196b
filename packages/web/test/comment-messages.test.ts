import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMMENT_ERROR_MESSAGES,
  commentErrorMessage,
  isKnownCode,
} from '../src/lib/comment-messages';

// The API keeps its UserError codes as literals where each check is made, so
// this reads its source (read-only) along the path of submitComment:
// resolver → CommentsService.submitComment → CommentPipeline.submit → validateCommentFields.
const comments = path.resolve(import.meta.dirname, '../../api/src/modules/comments');
const read = (file: string) => fs.readFileSync(path.join(comments, file), 'utf8');

/** `add('field', 'CODE', …)` in validation.ts, `code: 'CODE'` everywhere else. */
function codesIn(source: string): string[] {
  const pattern = /(?:\bcode:\s*|\badd\(\s*'[^']*',\s*)'([A-Z][A-Z0-9_]*)'/g;
  return [...source.matchAll(pattern)].map((match) => match[1]!);
}

function submitCommentMethod(service: string): string {
  const start = service.indexOf('async submitComment(');
  expect(start, 'CommentsService.submitComment not found').toBeGreaterThan(-1);
  const end = service.indexOf('\n  }\n', start);
  return service.slice(start, end);
}

const serverCodes = new Set([
  ...codesIn(read('validation.ts')),
  ...codesIn(read('pipeline.ts')),
  ...codesIn(submitCommentMethod(read('comments.service.ts'))),
]);

/** Codes only the client produces; the server never sends them. */
const CLIENT_ONLY = ['NETWORK_ERROR'];

describe('the comment message catalog', () => {
  it('reads the codes out of the API (guards the extraction itself)', () => {
    // The SDL lists the whole-form codes in SubmitCommentPayload.errors' description.
    const sdl = read('comments.graphql.ts');
    const listed = /Codes concerning the whole\s+form \(field null\):([^.]*)\./.exec(sdl)?.[1];
    expect(listed, 'whole-form codes not found in the SDL').toBeDefined();
    for (const code of listed!.split(',').map((c) => c.trim())) expect(serverCodes).toContain(code);
    expect(serverCodes).toContain('REQUIRED');
    expect(serverCodes).toContain('INVALID_EMAIL');
  });

  it('has a message for every code submitComment can return', () => {
    const missing = [...serverCodes].filter((code) => !isKnownCode(code));
    expect(missing).toEqual([]);
  });

  it('has no message for a code the server no longer returns', () => {
    const stale = Object.keys(COMMENT_ERROR_MESSAGES).filter(
      (code) => !serverCodes.has(code) && !CLIENT_ONLY.includes(code),
    );
    expect(stale).toEqual([]);
  });

  it('words field messages with the limit from the discussion settings', () => {
    const context = { field: 'authorName', maxLength: 1000, serverMessage: 'Too long.' } as const;
    expect(commentErrorMessage('TOO_LONG', context)).toBe(
      'Your name can be at most 1,000 characters long.',
    );
    expect(commentErrorMessage('REQUIRED', { ...context, field: 'content' })).toBe(
      'Please write a comment.',
    );
  });

  it("shows the server's message for a code it does not know, and where only the server knows", () => {
    const context = { field: null, maxLength: null, serverMessage: 'Please wait 7 seconds.' };
    expect(commentErrorMessage('SOMETHING_NEW', context)).toBe('Please wait 7 seconds.');
    expect(commentErrorMessage('RATE_LIMITED', context)).toBe('Please wait 7 seconds.');
    expect(commentErrorMessage('DUPLICATE', context)).toBe('You have already posted this comment.');
  });
});
