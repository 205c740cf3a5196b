import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';
import type { ResponseCache } from '../cache/response-cache.js';
import type { Database } from '../db/database.js';
import type { JobQueue } from '../modules/jobs/job-queue.js';
import { cacheCollectors, jobCollectors, processMetrics, sqlCollectors } from './collectors.js';
import { RequestMetrics } from './requests.js';

export interface MetricsDeps {
  /** METRICS_TOKEN; null: only loopback clients may scrape. */
  token: string | null;
  cache: ResponseCache | null;
  db: Database;
  jobs: JobQueue;
}

/**
 * `GET /metrics` in Prometheus's text format (prom-client), and the hook
 * that counts every request. Who may scrape:
 * - with METRICS_TOKEN, whoever sends `Authorization: Bearer <token>`
 *   (401 otherwise, from anywhere);
 * - without it, a client on this machine only: the connection's own address
 *   (the socket's, never a forwarded one) is loopback, the request carries no
 *   forwarding header (a reverse proxy on the same machine would make every
 *   visitor look local) and its Host names a loopback address (a page using
 *   DNS rebinding to reach 127.0.0.1 names its own host). Others get 403.
 * The answer is never cached (`no-store`) and carries no CORS header, so no
 * other site's page can read it through a visitor's browser.
 */
export function registerMetrics(app: FastifyInstance, deps: MetricsDeps): void {
  const registry = new Registry();
  // Made now, not at the first scrape, so that the event loop's lag is measured from the start.
  const process = processMetrics();
  const requests = new RequestMetrics(registry);
  cacheCollectors(registry, deps.cache, deps.db);
  sqlCollectors(registry, deps.db);
  const readJobs = jobCollectors(registry, deps.jobs, (error) =>
    app.log.warn({ err: error }, 'metrics: cannot read the job queue'),
  );

  app.addHook('onResponse', (request, reply, done) => {
    requests.observe(request, reply);
    done();
  });

  const expected = deps.token === null ? null : digest(`Bearer ${deps.token}`);
  app.get('/metrics', async (request, reply) => {
    reply
      .header('cache-control', 'no-store')
      .removeHeader('access-control-allow-origin')
      .type('text/plain; charset=utf-8');
    if (expected) {
      // Hashes of equal length: the comparison takes the same time whatever was sent.
      if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send('Send Authorization: Bearer <METRICS_TOKEN>.\n');
      }
    } else if (!fromThisMachine(request)) {
      return reply
        .code(403)
        .send(
          'Metrics are served to this machine only (loopback, not through a proxy); set METRICS_TOKEN to scrape from elsewhere.\n',
        );
    }
    await readJobs();
    const [own, processWide] = await Promise.all([registry.metrics(), process.metrics()]);
    return reply.type(registry.contentType).send(`${own}\n${processWide}`);
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

function fromThisMachine(request: FastifyRequest): boolean {
  if (!isLoopback(request.socket.remoteAddress)) return false;
  if (FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined)) return false;
  const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return host === 'localhost' || host === '[::1]' || isLoopback(host);
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
