import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  UNMATCHABLE_HASH,
  verifyPassword,
} from '../../src/modules/auth/passwords.js';

describe('password hashing (scrypt)', () => {
  it('stores algorithm, parameters, salt and hash in one string, salted per password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(needsRehash(a)).toBe(false);
  });

  it('accepts the password and nothing else', async () => {
    const stored = await hashPassword('Ünïcode pässword ✓');
    expect(await verifyPassword('Ünïcode pässword ✓', stored)).toBe(true);
    // The same text in decomposed form (NFD) is the same password.
    expect(await verifyPassword('Ünïcode pässword ✓'.normalize('NFD'), stored)).toBe(true);
    expect(await verifyPassword('ünïcode pässword ✓', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('has an unmatchable hash with the current parameters, for unknown emails', async () => {
    // Well-formed with today's parameters, so checking against it costs a real scrypt run.
    expect(needsRehash(UNMATCHABLE_HASH)).toBe(false);
    expect(await verifyPassword('', UNMATCHABLE_HASH)).toBe(false);
    expect(await verifyPassword('anything at all', UNMATCHABLE_HASH)).toBe(false);
  });

  it('rejects malformed or out-of-bounds stored hashes instead of running them', async () => {
    for (const stored of [
      '',
      'plain text',
      '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$scrypt$ln=15,r=8,p=1$AAAA$AAAA',
    ]) {
      expect(await verifyPassword('x', stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });
});
