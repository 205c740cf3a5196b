import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { modules as appModules } from '../../src/modules/index.js';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import { JOBS_CHANNEL } from '../../src/modules/jobs/job-queue.js';
import {
  eventually,
  RECORD_JOB,
  recorderModule,
  type RecordPayload,
  type Run,
} from '../support/jobs.js';
import { hear, killListeners } from '../support/notifications.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Several apps on one database, as several processes behind a load balancer
 * would be: each has its own pools and, on PostgreSQL, its own listener
 * connection. `a` only enqueues (JOB_WORKER=0); `b` runs a worker, and `c`
 * and `d` join it for the last test.
 */
describe.each(databaseKinds())('job workers woken by notifications on %s', (kind) => {
  const runs: Run[] = [];
  let a: TestServer;
  let b: TestServer;
  const configure = (c: Config) => {
    c.jobs.retryBaseMs = 400;
    // SQLite workers are not told of other processes' jobs: they look this often.
    c.jobs.sqlitePollIntervalMs = 200;
  };
  /** Another app (process) on a's database, whose worker records its runs as `name`. */
  const joinAs = async (name: string) => {
    const server: TestServer = await startServer(kind, {
      database: a.config.database,
      configure,
      modules: [...appModules, recorderModule(name, runs, () => server?.counter.count ?? 0)],
    });
    return server;
  };
  const enqueue = (payload: RecordPayload) => a.app.services.jobs.enqueue(RECORD_JOB, payload);
  const runsOf = (n: number) => runs.filter((r) => r.n === n);
  /** The row of the job enqueued with `payload`. */
  const job = async (payload: RecordPayload) =>
    (await a.repo<JobRow>('Job').findOneBy({ payload: JSON.stringify(payload) }))!;

  beforeAll(async () => {
    a = await startServer(kind, {
      env: { JOB_WORKER: '0' },
      configure,
      modules: [...appModules, recorderModule('a', runs)],
    });
    b = await joinAs('b');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it(
    kind === 'postgres'
      ? 'an idle worker makes no SQL statement at all'
      : 'an idle worker makes no SQL statement but its slow safety poll',
    async () => {
      await enqueue({ n: 1 });
      await eventually('job 1 to run', () => runsOf(1).length === 1);
      await b.app.jobWorker.whenIdle();
      // The polling worker this replaced made a statement every second while idle.
      const statements = await b.countQueries(() => pause(1500));
      if (kind === 'postgres') expect(statements).toBe(0);
      else expect(statements).toBeGreaterThan(0);
    },
  );

  it('runs a job that another process enqueued', async () => {
    await b.app.jobWorker.whenIdle();
    await enqueue({ n: 2 });
    // On PostgreSQL b hears a's NOTIFY (it never polls); on SQLite its safety poll finds the job.
    await eventually('job 2 to run', () => runsOf(2).length === 1);
    expect(runsOf(2)).toMatchObject([{ worker: 'b', attempt: 1 }]);
    await eventually('job 2 to be done', async () => (await job({ n: 2 })).status === 'done');
  });

  it('hears nothing of an enqueue that rolled back: no wake-up, and no job', async () => {
    // On SQLite nothing leaves the enqueuing process, so that is where to listen.
    const listener = kind === 'postgres' ? b : a;
    const jobs = await hear(listener.db, JOBS_CHANNEL);
    const marker = await hear(listener.db, 'test_marker');
    await b.app.jobWorker.whenIdle();
    const before = b.counter.count;
    await expect(
      a.db.write(async () => {
        await enqueue({ n: 3 });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow(/on purpose/);
    await a.db.write(() => a.db.notify('test_marker', 'after the rollback'));
    // Notifications arrive in commit order: had the enqueue's been sent, it would be here by now.
    await marker.until(1);
    expect(jobs.payloads).toEqual([]);
    if (kind === 'postgres') expect(b.counter.count - before).toBe(0);
    expect(await a.repo<JobRow>('Job').countBy({ payload: JSON.stringify({ n: 3 }) })).toBe(0);
    expect(runsOf(3)).toEqual([]);
    await jobs.stop();
    await marker.stop();
  });

  it('runs a delayed retry when it is due, sleeping until then rather than polling', async () => {
    const delayed = { n: 4, failures: 1 };
    await enqueue(delayed);
    await eventually('the first attempt to fail', async () => {
      const row = await job(delayed);
      return row.status === 'queued' && row.attempts === 1;
    });
    const { runAt, lastError } = await job(delayed);
    expect(lastError).toBe('attempt 1 fails on purpose');
    await b.app.jobWorker.whenIdle();
    const idle = b.counter.count;
    await eventually('the retry to run', () => runsOf(4).length === 2);
    const [first, retry] = runsOf(4);
    expect(first).toMatchObject({ worker: 'b', attempt: 1 });
    expect(retry).toMatchObject({ worker: 'b', attempt: 2 });
    // Not before it was due (400 ms after the failure)…
    expect(retry!.at).toBeGreaterThanOrEqual(runAt.getTime());
    // …and nothing but the claim that took it in between (SQLite's safety poll aside).
    if (kind === 'postgres') expect(retry!.statements - idle).toBeLessThanOrEqual(3);
    await eventually('job 4 to be done', async () => (await job(delayed)).status === 'done');
  });

  // PostgreSQL's alone (registered only there, so the SQLite run reports no skip).
  if (kind === 'postgres')
    it('reconnects when its listener connection is killed, and catches up on what it missed', async () => {
      await b.app.jobWorker.whenIdle();
      // A job committed without a notification: what a job enqueued while the
      // connection is down amounts to, since that notification is lost.
      const now = new Date();
      await a.repo<JobRow>('Job').insert({
        kind: RECORD_JOB,
        payload: JSON.stringify({ n: 5 }),
        status: 'queued',
        attempts: 0,
        runAt: now,
        lockedAt: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
      expect(runsOf(5)).toEqual([]);
      // b's listener is the only one on this database (a runs no worker).
      expect(await killListeners(a.config.database)).toBe(1);
      await eventually('the catch-up claim to run job 5', () => runsOf(5).length === 1);
      // And the new connection hears what is enqueued from now on.
      await enqueue({ n: 6 });
      await eventually('job 6 to run', () => runsOf(6).length === 1);
      expect([...runsOf(5), ...runsOf(6)].map((r) => r.worker)).toEqual(['b', 'b']);
    });

  it('runs each of 60 jobs exactly once with three workers on the database', async () => {
    const c = await joinAs('c');
    const d = await joinAs('d');
    try {
      const numbers = Array.from({ length: 60 }, (_, i) => 100 + i);
      // Six requests at once, each enqueuing ten jobs in its unit of work.
      await Promise.all(
        [0, 1, 2, 3, 4, 5].map((batch) =>
          a.db.write(async () => {
            for (const n of numbers.slice(batch * 10, batch * 10 + 10)) await enqueue({ n });
          }),
        ),
      );
      const ours = () => runs.filter((r) => r.n >= 100);
      const rows = async () =>
        (await a.repo<JobRow>('Job').findBy({ kind: RECORD_JOB })).filter(
          (r) => (JSON.parse(r.payload) as RecordPayload).n >= 100,
        );
      await eventually('60 jobs done', async () =>
        (await rows()).every((r) => r.status === 'done'),
      );
      await Promise.all([b, c, d].map((s) => s.app.jobWorker.whenIdle()));
      expect(
        ours()
          .map((r) => r.n)
          .sort((x, y) => x - y),
      ).toEqual(numbers);
      expect(ours().every((r) => r.attempt === 1)).toBe(true);
      expect((await rows()).map((r) => [r.status, r.attempts])).toEqual(
        numbers.map(() => ['done', 1]),
      );
      // Every worker hears every job on PostgreSQL, and they share the work.
      if (kind === 'postgres') expect(new Set(ours().map((r) => r.worker)).size).toBeGreaterThan(1);
    } finally {
      await c.close();
      await d.close();
    }
  });
});
