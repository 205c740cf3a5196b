// @vitest-environment node
import { createHash } from 'node:crypto';
import { print } from '@apollo/client/utilities';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PostPageDocument } from '../src/generated/graphql';
import { sha256Hex } from '../src/lib/sha256';

// The hash a persisted query is sent under must be the one Apollo Server
// computes from the text (node:crypto's SHA-256, hex), on either path.

const TEXTS = [
  '',
  'abc',
  '{ site { title } }',
  // Multi-byte UTF-8: hashed as UTF-8 bytes, not as UTF-16 code units.
  'Social media surgery for mental health #smsmhealth – “café” ✓ 🎉',
  // Longer than one 64-byte block, and than many.
  'x'.repeat(55),
  'x'.repeat(64),
  'y'.repeat(100_003),
  print(PostPageDocument),
];
const expected = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256Hex', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('with Web Crypto (a secure context): the same hex digest as node:crypto', async () => {
    expect(globalThis.crypto?.subtle).toBeDefined();
    for (const text of TEXTS) expect(await sha256Hex(text)).toBe(expected(text));
  });

  it('without crypto.subtle (plain http at a site’s own name): the same digests, from the lazily loaded implementation', async () => {
    vi.stubGlobal('crypto', {});
    expect(globalThis.crypto.subtle).toBeUndefined();
    for (const text of TEXTS) expect(await sha256Hex(text)).toBe(expected(text));
  });

  it('without crypto at all', async () => {
    vi.stubGlobal('crypto', undefined);
    expect(await sha256Hex('abc')).toBe(expected('abc'));
  });
});
