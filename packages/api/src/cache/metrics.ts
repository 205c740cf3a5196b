import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import type { ResponseCache } from './response-cache.js';

/**
 * `GET /metrics`: counters for operators, in Prometheus's text format. Asks
 * for `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN there is
 * no such route (404), so nothing about the server is public by default.
 */
export function registerMetrics(
  app: FastifyInstance,
  deps: { token: string | null; cache: ResponseCache | null; db: Database },
): void {
  const { token, cache, db } = deps;
  if (!token) return;
  const expected = Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .header('cache-control', 'private, no-store')
        .type('text/plain; charset=utf-8')
        .send('Send Authorization: Bearer <METRICS_TOKEN>.\n');
    }
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    const s = cache?.stats();
    metric(
      'colloquy_response_cache_enabled',
      'gauge',
      'Whether the response cache is on (COLLOQUY_CACHE).',
      cache ? 1 : 0,
    );
    if (s) {
      metric(
        'colloquy_response_cache_hits_total',
        'counter',
        'Responses served from the cache.',
        s.hits,
      );
      metric(
        'colloquy_response_cache_misses_total',
        'counter',
        'Cacheable requests answered anew.',
        s.misses,
      );
      metric('colloquy_response_cache_stores_total', 'counter', 'Responses kept.', s.stores);
      metric(
        'colloquy_response_cache_stale_stores_total',
        'counter',
        'Responses not kept because what they read changed while they were built.',
        s.staleStores,
      );
      metric(
        'colloquy_response_cache_evictions_total',
        'counter',
        'Responses dropped for room.',
        s.evictions,
      );
      metric(
        'colloquy_response_cache_invalidations_total',
        'counter',
        'Committed changes applied to the cache.',
        s.invalidations,
      );
      metric('colloquy_response_cache_entries', 'gauge', 'Responses held.', s.entries);
      metric('colloquy_response_cache_bytes', 'gauge', 'Bytes held.', s.bytes);
      metric('colloquy_response_cache_max_bytes', 'gauge', 'Bytes the cache may hold.', s.maxBytes);
    }
    metric(
      'colloquy_change_feed_healthy',
      'gauge',
      "1 while other processes' changes are heard (0: caches serve nothing).",
      db.changesHealthy ? 1 : 0,
    );
    return reply
      .header('cache-control', 'private, no-store')
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(`${lines.join('\n')}\n`);
  });
}
