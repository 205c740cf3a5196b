import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CacheConfig } from '../config.js';
import type { ReadScope } from '../lib/read-scope.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';

/**
 * HTTP caching of anonymous reads: the GraphQL queries anyone may send and
 * the reader pages. A request that may be answered from the cache gets a
 * key; a hit is sent before anything else runs (no GraphQL, no SQL); a miss
 * is built as usual, then kept with the tags of what it read. Responses get
 * an ETag (If-None-Match → 304) and a Cache-Control that says who may keep
 * them: `public, max-age=0, s-maxage=…` when anyone would be answered the
 * same, `private, no-store` otherwise.
 */

/** What a request that may be kept carries from lookup to store. */
export interface CachePlan {
  key: string;
  begun: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the response may be kept (anonymous, a cacheable shape). */
    cachePlan?: CachePlan;
  }
  interface FastifyInstance {
    /** The response cache and HTTP caching headers, for every anonymous read (pages, feeds). */
    httpCache: HttpCache;
  }
}

/** Longest key kept: a query with huge variables is answered but not kept. */
const MAX_KEY_LENGTH = 16 * 1024;

export const NO_STORE = 'private, no-store';

export class HttpCache {
  readonly publicControl: string;

  constructor(
    /** Null when the cache is off (COLLOQUY_CACHE=off): headers only. */
    readonly cache: ResponseCache | null,
    config: CacheConfig,
    /** False while other processes' changes may go unheard: nothing is served or kept. */
    private readonly healthy: () => boolean,
  ) {
    this.publicControl = `public, max-age=0, s-maxage=${config.sharedMaxAge}, stale-while-revalidate=${config.staleWhileRevalidate}`;
  }

  /**
   * Answers from the cache when it holds the response for `key`; otherwise
   * marks the request so that its response may be kept. True when answered.
   */
  serve(request: FastifyRequest, reply: FastifyReply, key: string | null): boolean {
    if (key === null || !this.cache || !this.healthy()) return false;
    const hit = this.cache.get(key);
    if (!hit) {
      request.cachePlan = { key, begun: this.cache.begin() };
      return false;
    }
    reply.header('x-cache', 'hit');
    request.operationName = hit.operationName;
    this.send(request, reply, hit);
    return true;
  }

  private send(request: FastifyRequest, reply: FastifyReply, entry: CachedResponse): void {
    reply
      .headers(entry.headers)
      .header('etag', entry.etag)
      .header('cache-control', this.publicControl);
    if (notModified(request, entry.etag, entry.headers['last-modified'])) {
      reply.code(304).send();
      return;
    }
    reply.code(entry.status).send(entry.body);
  }

  /**
   * Headers for a response built anew, and keeping it when it may be: an
   * anonymous 200 whose build said it is the same for everyone. Returns the
   * body to send (empty for a 304).
   */
  finish(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: string | Buffer,
    shared: { reads: ReadScope; maxAgeMs?: number; vary?: string } | null,
  ): string | Buffer {
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const etag = etagOf(body);
    reply.header('etag', etag);
    if (!shared) {
      // Apollo's own (`private, no-cache, must-revalidate` for an unknown persisted query) stays.
      if (!reply.hasHeader('cache-control') || reply.getHeader('cache-control') === 'no-store')
        reply.header('cache-control', NO_STORE);
      return payload;
    }
    reply.header('cache-control', this.publicControl);
    if (shared.vary) reply.header('vary', shared.vary);
    const plan = request.cachePlan;
    const personal = reply.hasHeader('set-cookie');
    if (personal) reply.header('cache-control', NO_STORE);
    else if (plan && this.cache && reply.statusCode === 200 && this.healthy()) {
      const expiresAt = Math.min(
        shared.reads.expiresAt,
        shared.maxAgeMs === undefined ? Infinity : Date.now() + shared.maxAgeMs,
      );
      const stored = this.cache.store(
        plan.key,
        {
          status: 200,
          headers: contentHeaders(reply),
          body,
          etag,
          tags: [...shared.reads.tags],
          expiresAt,
          operationName: request.operationName,
        },
        plan.begun,
      );
      reply.header('x-cache', stored ? 'miss, stored' : 'miss');
    }
    const lastModified = reply.getHeader('last-modified');
    if (
      reply.statusCode === 200 &&
      notModified(request, etag, typeof lastModified === 'string' ? lastModified : undefined)
    ) {
      reply.code(304);
      return '';
    }
    return payload;
  }
}

/** Headers that are not about this one answer (validators, caching, length, cookies): left out. */
const NOT_CONTENT = new Set([
  'etag',
  'cache-control',
  'x-cache',
  // Each request's own (app.ts).
  'x-request-id',
  'content-length',
  'set-cookie',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  // Set per request by @fastify/cors from the request's Origin.
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
]);

function contentHeaders(reply: FastifyReply): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined || NOT_CONTENT.has(name.toLowerCase())) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return kept;
}

/** Strong validator of a body: its SHA-1, which is enough to tell versions apart. */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/**
 * A conditional GET that the response answers with 304 (RFC 9110 13.2.2):
 * If-None-Match when sent, else If-Modified-Since against the response's
 * Last-Modified (feeds send one), to the second.
 */
function notModified(
  request: FastifyRequest,
  etag: string,
  lastModified: string | undefined,
): boolean {
  if (request.headers['if-none-match'] !== undefined)
    return matches(request.headers['if-none-match'], etag);
  const since = request.headers['if-modified-since'];
  if (!since || !lastModified || (request.method !== 'GET' && request.method !== 'HEAD'))
    return false;
  const sinceMs = Date.parse(since);
  const modifiedMs = Date.parse(lastModified);
  return Number.isFinite(sinceMs) && Number.isFinite(modifiedMs) && modifiedMs <= sinceMs;
}

function matches(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  // Weak comparison, as If-None-Match asks: W/"x" matches "x".
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * A key for a GraphQL request whose answer may be kept, or null: only
 * anonymous, single operations whose shape a browser cannot send cross-site
 * without asking first (Apollo's CSRF rule, kept alike for hits). The key is
 * the document's SHA-256 (as APQ names it: a hash-only request and the full
 * query share one entry), the operation name and the variables in a
 * canonical order.
 */
export function graphqlKey(request: FastifyRequest): string | null {
  if (request.headers.authorization !== undefined) return null;
  if (!preflighted(request)) return null;
  let params: Record<string, unknown>;
  if (request.method === 'GET') {
    const q = request.query as Record<string, unknown>;
    try {
      params = {
        query: q.query,
        operationName: q.operationName,
        variables: typeof q.variables === 'string' ? JSON.parse(q.variables) : undefined,
        extensions: typeof q.extensions === 'string' ? JSON.parse(q.extensions) : undefined,
      };
    } catch {
      return null;
    }
  } else if (request.method === 'POST') {
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
    params = body as Record<string, unknown>;
  } else return null;

  // APQ: a hash-only request and the full query share one entry; anything
  // APQ would refuse (another version, a hash that is not the query's) is
  // left for Apollo to answer.
  const persisted = (params.extensions as { persistedQuery?: unknown } | undefined)
    ?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  if (persisted !== undefined) {
    if (persisted === null || typeof persisted !== 'object' || persisted.version !== 1) return null;
    if (typeof persisted.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(persisted.sha256Hash))
      return null;
  }
  let document: string;
  if (typeof params.query === 'string') {
    document = createHash('sha256').update(params.query).digest('hex');
    if (persisted && persisted.sha256Hash !== document) return null;
  } else if (persisted) {
    document = persisted.sha256Hash as string;
  } else return null;
  const name = params.operationName;
  if (name !== undefined && name !== null && typeof name !== 'string') return null;
  const variables = params.variables ?? null;
  if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    return null;
  const canonical = canonicalJson(variables);
  if (canonical === null) return null;
  const key = `gql ${document} ${name ?? ''} ${canonical}`;
  return key.length <= MAX_KEY_LENGTH ? key : null;
}

/** Apollo Server's CSRF rule: a request a browser could only send after a CORS preflight. */
function preflighted(request: FastifyRequest): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && !SIMPLE_TYPES.has(type)) return true;
  return (
    Boolean(request.headers['x-apollo-operation-name']) ||
    Boolean(request.headers['apollo-require-preflight'])
  );
}

const SIMPLE_TYPES = new Set([
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
]);

/** Variables nested deeper than this are answered but not kept (and cannot exhaust the stack). */
const MAX_DEPTH = 32;

/** JSON with object keys sorted at every level (equal values, equal text); null when nested too deep. */
export function canonicalJson(value: unknown, depth = 0): string | null {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth >= MAX_DEPTH) return null;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = canonicalJson(item, depth + 1);
      if (text === null) return null;
      parts.push(text);
    }
    return `[${parts.join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of entries) {
    const text = canonicalJson(v, depth + 1);
    if (text === null) return null;
    parts.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
