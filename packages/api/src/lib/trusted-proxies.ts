import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import parseForwarded from 'forwarded-parse';
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

/** An address as a `for=` parameter gives it: 192.0.2.43, "192.0.2.43:47011", "[2001:db8::1]:4711". */
function forwardedAddress(value: string): string | null {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(value);
  if (v6) return isIP(v6[1]!) === 6 ? v6[1]! : null;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(value);
  if (v4) return isIP(v4[1]!) === 4 ? v4[1]! : null;
  return null;
}

/**
 * The RFC 7239 `Forwarded` header, for Fastify, which reads only
 * X-Forwarded-For, -Proto and -Host: from a trusted peer, a request that
 * carries `Forwarded` and no X-Forwarded-For gets the X-Forwarded-* headers
 * it stands for — every element's `for` in order, and the `proto` and
 * `host` of the last element (the nearest proxy's, as Fastify takes the
 * last X-Forwarded-Proto and -Host). Fastify then applies TRUST_PROXY to
 * them as to any. A header that does not parse (forwarded-parse's RFC 7239
 * grammar), or a `for` that is not an address (`unknown`, an obfuscated
 * `_name`), is not believed: the request is the proxy's own.
 */
export function readForwarded(trust: TrustFunction) {
  return (req: IncomingMessage): void => {
    const header = req.headers.forwarded;
    if (header === undefined || req.headers['x-forwarded-for'] !== undefined) return;
    if (!trust(req.socket.remoteAddress ?? '', 0)) return;
    let elements: Record<string, string>[];
    try {
      elements = parseForwarded(header);
    } catch {
      return;
    }
    const addresses = elements.map((e) => (e.for === undefined ? null : forwardedAddress(e.for)));
    if (addresses.length === 0 || addresses.some((a) => a === null)) return;
    req.headers['x-forwarded-for'] = addresses.join(', ');
    const last = elements.at(-1)!;
    if (last.proto && /^https?$/i.test(last.proto))
      req.headers['x-forwarded-proto'] = last.proto.toLowerCase();
    if (last.host) req.headers['x-forwarded-host'] = last.host;
  };
}
