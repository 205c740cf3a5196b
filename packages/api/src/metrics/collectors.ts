import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ResponseCache } from '../cache/response-cache.js';
import type { Database } from '../db/database.js';
import type { JobQueue } from '../modules/jobs/job-queue.js';

/** A counter whose value is read from elsewhere when scraped (prom-client counters only go up by inc). */
function counterOf(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function gaugeOf(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** The response cache's counters (its stats()), read at scrape time: nothing per request. */
export function cacheCollectors(registry: Registry, cache: ResponseCache | null, db: Database) {
  gaugeOf(
    registry,
    'colloquy_response_cache_enabled',
    'Whether the response cache is on (COLLOQUY_CACHE).',
    () => (cache ? 1 : 0),
  );
  gaugeOf(
    registry,
    'colloquy_change_feed_healthy',
    "1 while other processes' changes are heard (0: caches serve nothing).",
    () => (db.changesHealthy ? 1 : 0),
  );
  if (!cache) return;
  const counters = [
    ['hits', 'Responses served from the cache.'],
    ['misses', 'Cacheable requests answered anew.'],
    ['stores', 'Responses kept.'],
    ['stale_stores', 'Responses not kept because what they read changed while they were built.'],
    ['evictions', 'Responses dropped for room.'],
    ['invalidations', 'Committed changes applied to the cache.'],
  ] as const;
  const field = {
    hits: 'hits',
    misses: 'misses',
    stores: 'stores',
    stale_stores: 'staleStores',
    evictions: 'evictions',
    invalidations: 'invalidations',
  } as const;
  for (const [name, help] of counters) {
    counterOf(
      registry,
      `colloquy_response_cache_${name}_total`,
      help,
      () => cache.stats()[field[name]],
    );
  }
  gaugeOf(
    registry,
    'colloquy_response_cache_entries',
    'Responses held.',
    () => cache.stats().entries,
  );
  gaugeOf(registry, 'colloquy_response_cache_bytes', 'Bytes held.', () => cache.stats().bytes);
  gaugeOf(
    registry,
    'colloquy_response_cache_max_bytes',
    'Bytes the cache may hold.',
    () => cache.stats().maxBytes,
  );
}

/** SQL statements by connection role, as the database's logger counts them. */
export function sqlCollectors(registry: Registry, db: Database): void {
  new Counter({
    name: 'colloquy_sql_statements_total',
    help: 'SQL statements run by this process, by connection role (reader: read-only; writer: units of work and migrations).',
    labelNames: ['role'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ role: 'reader' }, db.statementCounts.reader);
      this.inc({ role: 'writer' }, db.statementCounts.writer);
    },
  });
}

/**
 * The job queue read from its table, in one statement, by the function
 * returned, which the scrape awaits first (the gauges are rendered side by
 * side). It is the whole queue, so every process reports the same numbers
 * (aggregate with max, not sum). A failed read leaves the series out rather
 * than failing the scrape, and says so in colloquy_job_queue_readable.
 */
export function jobCollectors(
  registry: Registry,
  jobs: JobQueue,
  onError: (error: unknown) => void,
): () => Promise<void> {
  const readable = new Gauge({
    name: 'colloquy_job_queue_readable',
    help: '1 when the last scrape could read the job queue, 0 when it could not.',
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'colloquy_job_queue_depth',
    help: 'Jobs in the queue by kind and state: due (runnable now), waiting (a retry or a later run), running.',
    labelNames: ['kind', 'state'],
    registers: [registry],
  });
  const failed = new Gauge({
    name: 'colloquy_jobs_failed',
    help: 'Jobs given up after their last attempt (status failed in the jobs table), by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  return async () => {
    depth.reset();
    failed.reset();
    try {
      for (const { kind, state, count } of await jobs.counts()) {
        if (state === 'failed') failed.set({ kind }, count);
        else depth.set({ kind, state }, count);
      }
      readable.set(1);
    } catch (error) {
      readable.set(0);
      onError(error);
    }
  };
}

let processRegistry: Registry | null = null;

/**
 * prom-client's default metrics (memory, CPU, event loop lag, GC, handles):
 * the process's, so one registry per process, made at the first scrape. Its
 * event loop and GC monitors cannot be stopped, so no app makes them before
 * someone asks for them.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
