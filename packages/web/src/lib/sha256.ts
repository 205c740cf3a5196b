/**
 * The SHA-256 of a text's UTF-8 bytes, as lower-case hex: what Apollo Server
 * compares a persisted query's `sha256Hash` with. Web Crypto does it where
 * the page has it (`crypto.subtle` exists in secure contexts only: https,
 * and http on localhost or 127.0.0.1); elsewhere, as on a site served over
 * plain http at its own name, a small audited implementation is loaded, in
 * a chunk of its own, the first time a query is hashed.
 */
export async function sha256Hex(
  text: string,
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle,
): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  if (subtle) return toHex(new Uint8Array(await subtle.digest('SHA-256', bytes)));
  const { sha256 } = await import('@noble/hashes/sha2.js');
  return toHex(sha256(bytes));
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
