import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../config.js';

/** Whether the peer `address`, `hop` steps from this server (0: the socket's), is a trusted proxy. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * The trust function for TRUST_PROXY, built as Fastify builds it from the
 * same value (proxy-addr's compile for a list, `hop < n` for a count), and
 * handed to Fastify as its `trustProxy` so that request.ip, protocol and
 * host and the request ids below all ask the one function. Null: no proxy
 * is trusted.
 */
export function trustFunction(trust: TrustProxy): TrustFunction | null {
  if (trust === false) return null;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile([...trust]);
}

/**
 * What an X-Request-Id may be to be kept: visible ASCII, of a sane length
 * (a UUID, nginx's $request_id, a load balancer's trace id).
 */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Fastify's genReqId: the X-Request-Id a trusted proxy sent, so a request
 * can be followed from the proxy's log into ours; otherwise (no proxy
 * trusted, another peer, no or an odd header) a random UUID. A client
 * cannot choose the id under which its requests are logged.
 */
export function requestIds(trust: TrustFunction | null): (req: IncomingMessage) => string {
  return (req) => {
    const header = req.headers['x-request-id'];
    if (
      trust !== null &&
      typeof header === 'string' &&
      REQUEST_ID.test(header) &&
      trust(req.socket.remoteAddress ?? '', 0)
    ) {
      return header;
    }
    return randomUUID();
  };
}
