import { createHash, randomBytes } from 'node:crypto';

// Prefixes make a leaked secret recognisable (secret scanners, logs) and tell
// the server which table to look in.
export const SESSION_PREFIX = 'cls_';
export const API_TOKEN_PREFIX = 'clt_';
const SECRET_BYTES = 32;

/** SHA-256 (hex) of a secret: what the database keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random secret with its prefix, and the hash to store. */
export function newSecret(prefix: typeof SESSION_PREFIX | typeof API_TOKEN_PREFIX): {
  secret: string;
  hash: string;
} {
  const secret = prefix + randomBytes(SECRET_BYTES).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}
