import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt is memory-hard: each guess costs 128·N·r bytes (32 MiB here), which
// makes GPU/ASIC guessing expensive. Parameters travel with the hash, so they
// can be raised later without invalidating stored passwords.
const CURRENT = { ln: 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
// Bounds for parameters read back from a stored hash: anything outside is not ours.
const MAX = { ln: 20, r: 32, p: 16 } as const;

interface Params {
  ln: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: Params, keyLength: number) {
  const options: ScryptOptions = {
    N: 2 ** params.ln,
    r: params.r,
    p: params.p,
    maxmem: 256 * 2 ** params.ln * params.r + 1024 * 1024,
  };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

/** A PHC-style string: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (unpadded base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, CURRENT, KEY_LENGTH);
  return `$scrypt$ln=${CURRENT.ln},r=${CURRENT.r},p=${CURRENT.p}$${b64(salt)}$${b64(key)}`;
}

/**
 * A well-formed hash with today's parameters that no password matches (its
 * key is all zeros). Checking a password against it costs the same as a real
 * check: sign-in uses it for unknown emails so timing does not tell them apart.
 */
export const UNMATCHABLE_HASH = `$scrypt$ln=${CURRENT.ln},r=${CURRENT.r},p=${CURRENT.p}$${b64(
  Buffer.alloc(SALT_BYTES),
)}$${b64(Buffer.alloc(KEY_LENGTH))}`;

const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parse(stored: string): { params: Params; salt: Buffer; key: Buffer } | null {
  const m = FORMAT.exec(stored);
  if (!m?.[4] || !m[5]) return null;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > MAX.ln || params.r < 1 || params.r > MAX.r) return null;
  if (params.p < 1 || params.p > MAX.p) return null;
  const key = Buffer.from(m[5], 'base64');
  if (key.length < 16) return null;
  return { params, salt: Buffer.from(m[4], 'base64'), key };
}

/** Does `password` match the stored hash? Constant-time comparison; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with other parameters than today's: rehash on the next sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return (
    !parsed ||
    parsed.params.ln !== CURRENT.ln ||
    parsed.params.r !== CURRENT.r ||
    parsed.params.p !== CURRENT.p ||
    parsed.key.length !== KEY_LENGTH
  );
}
