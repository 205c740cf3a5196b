import proxyAddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../config.js';

/** Whether the peer `address`, `hop` steps from this server (0: the socket's), is a trusted proxy. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * The trust function for TRUST_PROXY, built as Fastify builds it from the
 * same value (proxy-addr's compile for a list, `hop < n` for a count), and
 * handed to Fastify as its `trustProxy` so that request.ip, protocol and
 * host all ask the one function. Null: no proxy
 * is trusted.
 */
export function trustFunction(trust: TrustProxy): TrustFunction | null {
  if (trust === false) return null;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile([...trust]);
}
