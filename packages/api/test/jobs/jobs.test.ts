import pg from 'pg';
import { In } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import { JobQueue, STALE_AFTER_MS } from '../../src/modules/jobs/job-queue.js';
import { insertPost } from '../support/fixtures.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import { LOOPBACK_ENV, sendWebmention, settledStatus, sourcePage } from '../support/linkbacks.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

describe.each(databaseKinds())('the job queue on %s', (kind) => {
  let server: TestServer;
  let site: FixtureSite;
  beforeAll(async () => {
    // No worker in this process: the tests drive the queue themselves.
    server = await startServer(kind, { env: { ...LOOPBACK_ENV, JOB_WORKER: '0' } });
    site = await startFixtureSite();
  });
  afterAll(async () => {
    await site?.close();
    await server?.close();
  });

  const queue = (jobs: Partial<TestServer['config']['jobs']> = {}) =>
    new JobQueue({
      db: server.db,
      config: { jobs: { ...server.config.jobs, ...jobs } },
    });
  const jobs = () => server.repo<JobRow>('Job');

  it('keeps a queued webmention across a restart: the next process with a worker verifies it', async () => {
    const post = await insertPost(server.db, { slug: 'restart' });
    const target = `${TEST_PUBLIC_URL}/posts/${post.slug}`;
    site.route('/restart-source', html(sourcePage({ targets: [target] })));
    const answer = await sendWebmention(server, {
      source: `${site.origin}/restart-source`,
      target,
    });
    expect(answer.status).toBe(201);
    const path = new URL(answer.location!).pathname;
    expect(await (await fetch(`${server.url}${path}`)).json()).toMatchObject({ status: 'queued' });

    // "Restart": the same database, a new app that runs a worker.
    const next = await buildApp({
      config: {
        ...server.config,
        jobs: { ...server.config.jobs, worker: true },
      },
      db: server.db,
    });
    await next.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = next.server.address() as { port: number };
      const status = await settledStatus(
        { ...server, url: `http://127.0.0.1:${port}` },
        answer.location!,
      );
      expect(status).toMatchObject({ status: 'accepted', result: 'created' });
    } finally {
      await next.close();
    }
  });

  it('lets exactly one of several racing claims take each job', async () => {
    await jobs().delete({ status: 'queued' });
    const q1 = queue();
    const q2 = queue();
    for (let i = 0; i < 5; i++) await q1.enqueue('test.race', { i });
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? q1 : q2).claim()),
    );
    const claimed = claims.filter((j): j is JobRow => j !== null).map((j) => j.id);
    // Every job claimed at most once; the rest of the claims come back empty or try again later.
    expect(new Set(claimed).size).toBe(claimed.length);
    let more: JobRow | null;
    let rounds = 0;
    while ((more = await q1.claim()) && rounds++ < 10) claimed.push(more.id);
    expect(claimed.length).toBe(5);
    expect(await jobs().countBy({ kind: 'test.race', status: 'running' })).toBe(5);
  });

  // PostgreSQL's alone (registered only there, so the SQLite run reports no skip).
  if (kind === 'postgres')
    it("claims past a job whose row another worker's transaction holds, without waiting for it", async () => {
      await jobs().delete({ status: 'queued' });
      const q = queue();
      const first = await q.enqueue(
        'test.locked',
        { i: 1 },
        { runAt: new Date(Date.now() - 2000) },
      );
      const second = await q.enqueue(
        'test.locked',
        { i: 2 },
        { runAt: new Date(Date.now() - 1000) },
      );
      // Another process's claim in flight: its transaction has locked the first job's row.
      const other = new pg.Client({
        connectionString: (server.config.database as { url: string }).url,
      });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT id FROM jobs WHERE id = $1 FOR UPDATE', [first.id]);
        const claimed = await Promise.race([
          q.claim(),
          new Promise((resolve) => setTimeout(() => resolve('waited for the lock'), 5000)),
        ]);
        expect(claimed).toMatchObject({ id: second.id, status: 'running', attempts: 1 });
        expect(await q.claim()).toBeNull();
      } finally {
        await other.query('ROLLBACK');
        await other.end();
      }
      expect(await q.claim()).toMatchObject({ id: first.id, status: 'running', attempts: 1 });
    });

  it('tells an idle worker when to look again: the next run_at, or when a running job may be taken over', async () => {
    await jobs().delete({ status: In(['queued', 'running']) });
    const q = queue();
    expect(await q.nextDue()).toBeNull();
    const later = new Date(Date.now() + 60 * 60_000);
    await q.enqueue('test.later', {}, { runAt: later });
    expect(await q.nextDue()).toEqual(later);
    await q.enqueue('test.now', {});
    const running = (await q.claim())!;
    expect(running.kind).toBe('test.now');
    expect(await q.nextDue()).toEqual(new Date(running.lockedAt!.getTime() + STALE_AFTER_MS));
  });

  it('takes over a running job whose worker vanished', async () => {
    const q = queue();
    const job = await q.enqueue('test.stale', {});
    let claimed = await q.claim();
    while (claimed && claimed.id !== job.id) claimed = await q.claim();
    expect(claimed?.attempts).toBe(1);
    expect(await q.claim()).toBeNull();
    await jobs().update({ id: job.id }, { lockedAt: new Date(Date.now() - 10 * 60_000) });
    const again = await q.claim();
    expect(again).toMatchObject({ id: job.id, status: 'running', attempts: 2 });
  });

  it('retries with exponential back-off, then gives up', async () => {
    const q = queue({ retryBaseMs: 60_000, maxAttempts: 3 });
    const job = await q.enqueue('test.retry', {});
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await jobs().update({ id: job.id }, { runAt: new Date(Date.now() - 1000) });
      let claimed = await q.claim();
      while (claimed && claimed.id !== job.id) claimed = await q.claim();
      expect(claimed!.attempts).toBe(attempt);
      const before = Date.now();
      const outcome = await q.fail(claimed!, `failure ${attempt}`);
      const row = (await q.find(job.id))!;
      expect(row.lastError).toBe(`failure ${attempt}`);
      if (attempt < 3) {
        expect(outcome).toBe('retry');
        expect(row.status).toBe('queued');
        delays.push(Math.round((row.runAt.getTime() - before) / 60_000));
      } else {
        expect(outcome).toBe('failed');
        expect(row.status).toBe('failed');
      }
    }
    expect(delays).toEqual([1, 2]);
  });
});
