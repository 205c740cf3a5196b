import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import { MAX_OPERATION_NAMES } from '../../src/metrics/requests.js';
import { modules as appModules } from '../../src/modules/index.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { SEED_SLUG } from '../support/comments-suite.js';
import { eventually, RECORD_JOB, recorderModule, type Run } from '../support/jobs.js';
import { Scrape } from '../support/prometheus.js';
import { databaseKinds, quiet, startServer, type TestServer } from '../support/server.js';

const TOKEN = 'metrics-token-for-tests';
const REQUESTS = 'colloquy_http_requests_total';
const DURATIONS = 'colloquy_http_request_duration_seconds';

const POST_PAGE = `query PostPage($slug: String!) {
  site { title }
  post(slug: $slug) { id title comments(first: 5) { totalCount } }
}`;
const SUBMIT = `mutation SubmitComment($input: SubmitCommentInput!) {
  submitComment(input: $input) { status errors { code } }
}`;

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-store');
  // No other site's page may read it through a browser.
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  return new Scrape(await res.text());
}

/**
 * This machine's first address that is not loopback, or null. A server that
 * listens on 127.0.0.1 is also given the connections made to that address
 * (through a listener there that hands them over), so that a request arrives
 * from a non-loopback socket address, as from another machine.
 */
function externalAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? [])
      if (!info.internal && info.family === 'IPv4') return info.address;
  }
  return null;
}

async function reachableAt(
  server: TestServer,
  address: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    sockets.add(socket.on('close', () => sockets.delete(socket)));
    server.app.server.emit('connection', socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, address, resolve));
  const { port } = listener.address() as net.AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise((resolve) => {
        // fetch() keeps its connections alive; the listener closes once they are gone.
        listener.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const external = externalAddress();
if (!external) {
  const reason = 'this machine has no non-loopback IPv4 address to connect from';
  if (process.env.CI) throw new Error(`${reason}: CI cannot skip the non-loopback access tests`);
  console.warn(`metrics.test.ts: skipping the non-loopback access tests: ${reason}`);
}

describe.each(databaseKinds())('/metrics on %s', (kind) => {
  describe('with METRICS_TOKEN', () => {
    let server: TestServer;
    const runs: Run[] = [];
    beforeAll(async () => {
      server = await startServer(kind, {
        env: { METRICS_TOKEN: TOKEN },
        modules: [...appModules, recorderModule('metrics', runs)],
        // A job that fails once has failed for good.
        configure: (config) => void (config.jobs.maxAttempts = 1),
      });
    });
    afterAll(() => server?.close());

    it('counts a known sequence of requests by route, operation and status, with their latencies', async () => {
      const post = await server.repo<PostRow>('Post').findOneByOrFail({ slug: SEED_SLUG });
      const before = await scrape(server);

      // The same anonymous query twice: built once, then answered from the cache.
      for (let i = 0; i < 2; i++) {
        const res = await server.gql(POST_PAGE, { slug: SEED_SLUG }, 'PostPage');
        expect(res.status).toBe(200);
        expect(res.errors).toBeUndefined();
      }
      const page = await fetch(`${server.url}/posts/${SEED_SLUG}`);
      expect(page.status).toBe(200);
      const submitted = await server.gql<{ submitComment: { errors: unknown[] } }>(
        SUBMIT,
        {
          input: {
            postId: String(post.id),
            authorName: 'Mo Metrics',
            authorEmail: 'mo.metrics@example.net',
            content: 'Counted once.',
          },
        },
        'SubmitComment',
      );
      expect(submitted.data?.submitComment.errors).toEqual([]);
      const missing = await fetch(`${server.url}/no-such-page`);
      expect(missing.status).toBe(404);
      const noPost = await fetch(`${server.url}/posts/no-such-post`);
      expect(noPost.status).toBe(404);

      const after = await scrape(server);
      const delta = (labels: Record<string, string>) => {
        const requests = after.value(REQUESTS, labels) - before.value(REQUESTS, labels);
        // The histogram counts the same requests.
        expect(after.count(DURATIONS, labels) - before.count(DURATIONS, labels)).toBe(requests);
        return requests;
      };
      const graphql = { method: 'POST', route: '/graphql', status: '2xx' };
      expect(delta({ ...graphql, operation: 'PostPage' })).toBe(2);
      expect(delta({ ...graphql, operation: 'SubmitComment' })).toBe(1);
      expect(delta({ method: 'GET', route: '/posts/:slug', status: '2xx' })).toBe(1);
      expect(delta({ method: 'GET', route: '/posts/:slug', status: '4xx' })).toBe(1);
      expect(delta({ method: 'GET', route: '(no route)', status: '4xx' })).toBe(1);
      // The first scrape was counted once it was answered; this one not yet.
      expect(delta({ method: 'GET', route: '/metrics', status: '2xx' })).toBe(1);
      // Labels are the route pattern, never the URL.
      expect(after.text).not.toContain(SEED_SLUG);
      expect(after.text).not.toContain('no-such');

      const histogram = after.family(DURATIONS);
      expect(histogram.type).toBe('HISTOGRAM');
      const postPage = { ...graphql, operation: 'PostPage' };
      const all = after.value(`${DURATIONS}_bucket`, { ...postPage, le: '+Inf' });
      expect(all).toBe(after.count(DURATIONS, postPage));
      // Buckets are cumulative, from 0.5 ms to 10 s.
      const buckets = ['0.0005', '0.005', '0.05', '0.5', '10'].map((le) => {
        expect(after.sample(`${DURATIONS}_bucket`, { ...postPage, le })).toBeDefined();
        return after.value(`${DURATIONS}_bucket`, { ...postPage, le });
      });
      expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
      expect(buckets[4]).toBeLessThanOrEqual(all);
      expect(after.value(`${DURATIONS}_sum`, postPage)).toBeGreaterThan(0);

      // The repeated query was a hit; the page, the query's first run and the 404 were misses.
      const cache = (name: string) =>
        after.value(`colloquy_response_cache_${name}_total`) -
        before.value(`colloquy_response_cache_${name}_total`);
      expect(cache('hits')).toBe(1);
      expect(cache('stores')).toBeGreaterThanOrEqual(2);
      expect(after.family('colloquy_response_cache_hits_total').type).toBe('COUNTER');
      expect(after.value('colloquy_response_cache_enabled')).toBe(1);

      // prom-client's default metrics: memory, CPU, event loop lag.
      expect(after.value('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(after.family('process_cpu_seconds_total').type).toBe('COUNTER');
      expect(after.families.has('nodejs_eventloop_lag_seconds')).toBe(true);
    });

    it('counts SQL statements by connection role, every one of them', async () => {
      await quiet(server.counter);
      const { counter } = server;
      const scraped = await scrape(server);
      const reader = scraped.value('colloquy_sql_statements_total', { role: 'reader' });
      const writer = scraped.value('colloquy_sql_statements_total', { role: 'writer' });
      // The scrape's own read of the job queue is counted in it.
      expect(reader).toBe(counter.reader);
      expect(writer).toBe(counter.writer);
      expect(reader + writer).toBe(counter.count);
      // Migrations and the seed wrote; the scrapes read.
      expect(writer).toBeGreaterThan(0);
      expect(reader).toBeGreaterThan(0);
    });

    it('reports the job queue: a job made to fail, and jobs waiting for their time', async () => {
      const labels = { kind: RECORD_JOB };
      expect((await scrape(server)).value('colloquy_jobs_failed', labels)).toBe(0);
      const jobs = server.app.services.jobs;
      const doomed = await jobs.enqueue(RECORD_JOB, { n: 1, failures: 1 });
      await eventually(
        'the job to fail',
        async () => (await jobs.find(doomed.id))?.status === 'failed',
      );
      await jobs.enqueue(RECORD_JOB, { n: 2 }, { runAt: new Date(Date.now() + 3_600_000) });
      await jobs.enqueue(RECORD_JOB, { n: 3 }, { runAt: new Date(Date.now() + 3_600_000) });

      const scraped = await scrape(server);
      expect(runs.map((r) => r.n)).toEqual([1]);
      expect(scraped.value('colloquy_jobs_failed', labels)).toBe(1);
      expect(scraped.value('colloquy_job_queue_depth', { ...labels, state: 'waiting' })).toBe(2);
      expect(
        scraped.sample('colloquy_job_queue_depth', { ...labels, state: 'due' }),
      ).toBeUndefined();
      expect(scraped.value('colloquy_job_queue_readable')).toBe(1);
      const failed = await server
        .repo<JobRow>('Job')
        .countBy({ kind: RECORD_JOB, status: 'failed' });
      expect(failed).toBe(1);
    });

    it('gives operation names series for a bounded set of names; the rest are "other"', async () => {
      const before = await scrape(server);
      // A name no operation of the document has: refused by Apollo, so not a name of its own.
      const unknown = await server.gql('query Real { site { title } }', {}, 'Invented');
      expect(unknown.status).toBe(400);
      // More distinct names than the bound, each answered.
      for (let i = 0; i < MAX_OPERATION_NAMES + 5; i++) {
        const res = await server.gql(`query Name${i} { site { title } }`, {}, `Name${i}`);
        expect(res.status).toBe(200);
      }
      const after = await scrape(server);
      const names = new Set(
        after
          .family(REQUESTS)
          .metrics.map((m) => m.labels?.operation)
          .filter(Boolean),
      );
      expect(names.has('Invented')).toBe(false);
      expect(names.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 2); // + "other" and "(anonymous)"
      const other = (s: Scrape, status: string) =>
        s.value(REQUESTS, { method: 'POST', route: '/graphql', status, operation: 'other' });
      expect(other(after, '4xx') - other(before, '4xx')).toBe(1);
      // Names already given series by the earlier test came first: at least 5 are over the bound.
      expect(other(after, '2xx') - other(before, '2xx')).toBeGreaterThanOrEqual(5);
    });

    it('refuses a scrape without the token or with a wrong one, from anywhere', async () => {
      const bare = await fetch(`${server.url}/metrics`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Bearer');
      expect(bare.headers.get('cache-control')).toBe('no-store');
      expect(await bare.text()).not.toContain('colloquy_');
      for (const authorization of [
        'Bearer metrics-token-for-testz',
        `Bearer ${TOKEN}x`,
        TOKEN,
        `Basic ${TOKEN}`,
      ]) {
        const res = await fetch(`${server.url}/metrics`, { headers: { authorization } });
        expect(res.status).toBe(401);
      }
      if (!external) return;
      const outside = await reachableAt(server, external);
      try {
        expect((await fetch(`${outside.url}/metrics`)).status).toBe(401);
        const res = await fetch(`${outside.url}/metrics`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(res.status).toBe(200);
        expect(new Scrape(await res.text()).family(REQUESTS).type).toBe('COUNTER');
      } finally {
        await outside.close();
      }
    });
  });

  describe('without METRICS_TOKEN', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    });
    afterAll(() => server?.close());

    it('serves loopback clients, and no one through a proxy or under another host name', async () => {
      const local = await fetch(`${server.url}/metrics`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(local.status).toBe(200);
      expect(local.headers.get('cache-control')).toBe('no-store');
      expect(local.headers.get('access-control-allow-origin')).toBeNull();
      expect(new Scrape(await local.text()).value('colloquy_response_cache_enabled')).toBe(1);

      for (const headers of [
        { 'x-forwarded-for': '203.0.113.9' } as Record<string, string>,
        { forwarded: 'for=203.0.113.9' },
        { 'x-real-ip': '203.0.113.9' },
      ]) {
        const res = await fetch(`${server.url}/metrics`, { headers });
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('METRICS_TOKEN');
      }
      // fetch() will not set Host: a raw request, as a page rebinding its DNS name to 127.0.0.1 would send.
      const rebound = await rawGet(server.url, '/metrics', 'evil.example:4000');
      expect(rebound).toMatch(/^HTTP\/1\.1 403 /);
      expect(await rawGet(server.url, '/metrics', 'localhost')).toMatch(/^HTTP\/1\.1 200 /);
    });

    it.skipIf(!external)('refuses clients whose socket address is not loopback', async () => {
      const outside = await reachableAt(server, external!);
      try {
        const res = await fetch(`${outside.url}/metrics`);
        expect(res.status).toBe(403);
        expect(res.headers.get('cache-control')).toBe('no-store');
        const text = await res.text();
        expect(text).toContain('METRICS_TOKEN');
        expect(text).not.toContain('colloquy_');
        // A token does not help when none is configured.
        const bearer = await fetch(`${outside.url}/metrics`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(bearer.status).toBe(403);
        // The rest of the site answers that address as usual.
        expect((await fetch(`${outside.url}/healthz`)).status).toBe(200);
      } finally {
        await outside.close();
      }
    });
  });
});

/** A GET with the Host header given, over a plain socket; resolves to the whole response. */
function rawGet(base: string, path: string, host: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (response += chunk));
    socket.on('end', () => resolve(response));
    socket.on('error', reject);
  });
}
