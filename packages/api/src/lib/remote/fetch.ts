import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import type { RemoteFetchConfig } from '../../config.js';
import {
  FORBIDDEN_ADDRESS,
  ForbiddenAddressError,
  guardedLookup,
  isAddressAllowed,
} from './address-policy.js';

export type RemoteFetchErrorCode =
  | 'BAD_URL'
  | 'FORBIDDEN_ADDRESS'
  | 'TOO_MANY_REDIRECTS'
  | 'TIMEOUT'
  /** The host name does not resolve. */
  | 'NOT_FOUND'
  /** The https server's certificate is not trusted (unknown CA, wrong name, expired…). */
  | 'UNTRUSTED_CERTIFICATE'
  | 'NETWORK';

/** Why a remote fetch failed; `message` is safe to show to the remote party. */
export class RemoteFetchError extends Error {
  override name = 'RemoteFetchError';
  constructor(
    readonly code: RemoteFetchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RemoteRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Follow redirects (GET only; a POST is never replayed elsewhere). Default true. */
  followRedirects?: boolean;
}

export interface RemoteResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL finally answered, after redirects. */
  url: string;
  body: Buffer;
  /** The body was longer than the limit: only its first maxBytes were read. */
  truncated: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Parses an http(s) URL for fetching; anything else is a BAD_URL. */
export function parseHttpUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new RemoteFetchError('BAD_URL', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RemoteFetchError('BAD_URL', 'only http and https URLs are fetched');
  }
  if (url.username || url.password) {
    throw new RemoteFetchError('BAD_URL', 'URLs with credentials are not fetched');
  }
  return url;
}

/**
 * Fetches other sites' pages within fixed limits: http(s) only, at most
 * `maxRedirects` redirects, one deadline for the whole exchange, at most
 * `maxBytes` of body (decompressed), an honest User-Agent, and every
 * connection (redirects included) only to addresses the address policy
 * allows, checked at connect time.
 */
export class RemoteFetcher {
  private readonly lookup: net.LookupFunction;

  constructor(
    private readonly config: RemoteFetchConfig,
    private readonly userAgent: () => string,
  ) {
    this.lookup = guardedLookup(config.allowLoopback);
  }

  async fetch(rawUrl: string, request: RemoteRequest = {}): Promise<RemoteResponse> {
    const deadline = Date.now() + this.config.timeoutMs;
    const method = request.method ?? 'GET';
    const follow = method === 'GET' && request.followRedirects !== false;
    let url = parseHttpUrl(rawUrl);
    for (let hop = 0; ; hop++) {
      const response = await this.exchange(url, { ...request, method }, deadline);
      const location = response.headers.location;
      if (!follow || !REDIRECTS.has(response.status) || !location) return response;
      if (hop >= this.config.maxRedirects) {
        throw new RemoteFetchError(
          'TOO_MANY_REDIRECTS',
          `more than ${this.config.maxRedirects} redirects`,
        );
      }
      url = parseHttpUrl(location, url.href);
    }
  }

  /** One request and its response body, bounded by the deadline and the size limit. */
  private exchange(url: URL, request: RemoteRequest, deadline: number): Promise<RemoteResponse> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Sockets skip `lookup` for IP literals, so those are checked here.
    if (net.isIP(host) && !isAddressAllowed(host, this.config.allowLoopback)) {
      return Promise.reject(toFetchError(new ForbiddenAddressError(host, host)));
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(timeoutError(this.config.timeoutMs));

    return new Promise<RemoteResponse>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, {
        method: request.method,
        lookup: this.lookup,
        agent: false,
        headers: {
          'user-agent': this.userAgent(),
          accept:
            'text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.8,*/*;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
          ...request.headers,
        },
      });
      let settled = false;
      const finish = (error: unknown, value?: RemoteResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          req.destroy();
          reject(toFetchError(error));
        } else resolve(value!);
      };
      const timer = setTimeout(() => finish(timeoutError(this.config.timeoutMs)), remaining);

      req.on('error', (error) => finish(error));
      req.on('response', (res) => {
        this.readBody(res)
          .then(({ body, truncated }) =>
            finish(null, {
              status: res.statusCode ?? 0,
              headers: res.headers,
              url: url.href,
              body,
              truncated,
            }),
          )
          .catch((error: unknown) => finish(error));
      });
      req.end(request.body);
    });
  }

  private readBody(res: IncomingMessage): Promise<{ body: Buffer; truncated: boolean }> {
    const max = this.config.maxBytes;
    const encoding = String(res.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    let stream: Readable = res;
    if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
    else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
    else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());

    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const end = (truncated: boolean) => {
        if (done) return;
        done = true;
        resolve({ body: Buffer.concat(chunks, Math.min(size, max)), truncated });
      };
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size > max) {
          // Enough: stop reading and drop the connection.
          end(true);
          res.destroy();
          if (stream !== res) stream.destroy();
        }
      });
      stream.on('end', () => end(false));
      stream.on('error', (error) => {
        if (!done) {
          done = true;
          reject(error);
        }
      });
      res.on('aborted', () => {
        if (!done) {
          done = true;
          reject(new RemoteFetchError('NETWORK', 'the connection was closed mid-response'));
        }
      });
    });
  }
}

function timeoutError(ms: number): RemoteFetchError {
  return new RemoteFetchError('TIMEOUT', `no complete answer within ${ms / 1000} s`);
}

function toFetchError(error: unknown): RemoteFetchError {
  if (error instanceof RemoteFetchError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === FORBIDDEN_ADDRESS) {
    return new RemoteFetchError('FORBIDDEN_ADDRESS', (error as Error).message);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new RemoteFetchError('NOT_FOUND', 'the host name does not resolve');
  }
  if (code === 'ECONNREFUSED') return new RemoteFetchError('NETWORK', 'the connection was refused');
  if (typeof code === 'string' && CERTIFICATE_ERRORS.has(code)) {
    return new RemoteFetchError(
      'UNTRUSTED_CERTIFICATE',
      `the TLS certificate is not trusted (${code}: ${(error as Error).message})`,
    );
  }
  if (typeof code === 'string') return new RemoteFetchError('NETWORK', `network error (${code})`);
  return new RemoteFetchError('NETWORK', 'network error');
}

/**
 * The certificate verification errors of node:tls (OpenSSL's X509_V_ERR_*
 * names, and the host name check). Retrying does not help with them.
 */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The charset a response declares (header, else an HTML <meta>), for decoding its body. */
export function decodeBody(response: Pick<RemoteResponse, 'headers' | 'body'>): string {
  const contentType = String(response.headers['content-type'] ?? '');
  let charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1];
  if (!charset && /html|xml/i.test(contentType)) {
    const head = response.body.subarray(0, 2048).toString('latin1');
    charset = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  }
  return decodeBytes(response.body, charset);
}

/** Decodes bytes in the named charset, falling back to UTF-8 for unknown names. */
export function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** The media type of a response, lower case, without parameters. */
export function mediaType(headers: IncomingHttpHeaders): string {
  return String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}
