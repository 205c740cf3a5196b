import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRow, SignInAttemptRow } from '../../src/modules/auth/entities.js';
import { PRUNE_AUTH_JOB } from '../../src/modules/auth/retention.js';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { ANONYMISE_IPS_JOB } from '../../src/modules/comments/retention.js';
import type { JobRow, JobStatus } from '../../src/modules/jobs/entities.js';
import { PRUNE_JOBS_JOB } from '../../src/modules/jobs/index.js';
import type { IncomingPingRow, IncomingPingStatus } from '../../src/modules/linkbacks/entities.js';
import { PRUNE_PINGS_JOB } from '../../src/modules/linkbacks/retention.js';
import {
  createUser,
  insertComment,
  insertPost,
  setDiscussionSettings,
} from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import { modules as appModules } from '../../src/modules/index.js';
import { defineModule } from '../../src/modules/module.js';
import { capturedLog, databaseKinds, startServer, type TestServer } from '../support/server.js';

const DAY = 24 * 3600_000;
const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

const RECURRING = [ANONYMISE_IPS_JOB, PRUNE_JOBS_JOB, PRUNE_PINGS_JOB, PRUNE_AUTH_JOB];

describe.each(databaseKinds())('retention on %s', (kind) => {
  let server: TestServer;
  let second: TestServer | undefined;
  let postId: number;
  beforeAll(async () => {
    // Retention ages as an operator would set them (RETAIN_*_DAYS), not the defaults.
    server = await startServer(kind, {
      env: {
        RETAIN_JOBS_DAYS: '10',
        RETAIN_INCOMING_PINGS_DAYS: '20',
        RETAIN_SIGN_IN_ATTEMPTS_DAYS: '1',
        RETAIN_EXPIRED_SESSIONS_DAYS: '3',
      },
    });
    postId = (await insertPost(server.db, { slug: 'retention' })).id;
  });
  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  const queued = async () =>
    (await server.repo<JobRow>('Job').findBy({ status: 'queued' }))
      .filter((j) => RECURRING.includes(j.kind))
      .map((j) => ({ kind: j.kind, key: j.dedupeKey, runAt: j.runAt.getTime() }))
      .sort((a, b) => a.kind.localeCompare(b.kind));

  /** Runs a recurring job now, through the worker, as its schedule would. */
  async function runNow(jobKind: string): Promise<void> {
    const job = await server.app.services.jobs.enqueue(jobKind, {}, { key: jobKind });
    await eventually(`${jobKind} to run`, async () => {
      const row = await server.app.services.jobs.find(job.id);
      return row?.status === 'done';
    });
  }

  it('queues each recurring job once, an hour ahead; a second process adds none and delays none', async () => {
    const first = await queued();
    expect(first.map((j) => [j.kind, j.key])).toEqual([...RECURRING].sort().map((k) => [k, k]));
    for (const job of first) {
      expect(job.runAt).toBeGreaterThan(Date.now() + HOUR - 5 * 60_000);
      expect(job.runAt).toBeLessThanOrEqual(Date.now() + HOUR);
    }
    // Another process on the same database, with a worker of its own.
    const database = server.config.database;
    second = await startServer(kind, { database, seed: false });
    expect(await queued()).toEqual(first);
    await second.close();
    second = undefined;
  });

  it('clears the IP address and user agent of comments older than keepCommentIpDays, and only those', async () => {
    const comment = (days: number, n: number) =>
      insertComment(server.db, {
        postId,
        createdAt: ago(days * DAY),
        authorName: `Commenter ${n}`,
        ip: `203.0.113.${n}`,
        userAgent: `Agent ${n}`,
      });
    const old = await comment(61, 1);
    const older = await comment(400, 2);
    const young = await comment(59, 3);
    await runNow(ANONYMISE_IPS_JOB);

    const row = (id: number) => server.repo<CommentRow>('Comment').findOneByOrFail({ id });
    for (const c of [old, older]) {
      expect(await row(c.id)).toMatchObject({
        ip: null,
        userAgent: null,
        // Everything else stays.
        authorName: c.authorName,
        authorEmail: 'stored@example.net',
        contentText: 'stored',
        status: 'APPROVED',
      });
    }
    expect(await row(young.id)).toMatchObject({ ip: '203.0.113.3', userAgent: 'Agent 3' });

    // The run queued the next one, an hour on; one waits, as before.
    const next = (await queued()).filter((j) => j.kind === ANONYMISE_IPS_JOB);
    expect(next).toHaveLength(1);
    expect(next[0]!.runAt).toBeGreaterThan(Date.now() + HOUR - 5 * 60_000);

    // A shorter setting reaches the younger comment; null keeps what is left for ever.
    const fresh = await comment(2, 4);
    await setDiscussionSettings(server.db, { keepCommentIpDays: null });
    expect(await server.app.services.commentRetention.anonymiseOld()).toBe(0);
    expect(await row(young.id)).toMatchObject({ ip: '203.0.113.3' });
    await setDiscussionSettings(server.db, { keepCommentIpDays: 30 });
    expect(await server.app.services.commentRetention.anonymiseOld()).toBe(1);
    expect(await row(young.id)).toMatchObject({ ip: null, userAgent: null });
    expect(await row(fresh.id)).toMatchObject({ ip: '203.0.113.4', userAgent: 'Agent 4' });
    await setDiscussionSettings(server.db, { keepCommentIpDays: 60 });
  });

  it('deletes finished jobs older than RETAIN_JOBS_DAYS; waiting, running and younger ones stay', async () => {
    const job = async (label: string, status: JobStatus, finishedDaysAgo: number) =>
      (
        await server.repo<JobRow>('Job').save({
          kind: 'test.retention',
          payload: JSON.stringify({ label }),
          status,
          attempts: 1,
          // Far ahead, so the worker leaves the waiting one alone.
          runAt: new Date(Date.now() + 365 * DAY),
          lockedAt: status === 'running' ? new Date() : null,
          lastError: null,
          dedupeKey: null,
          createdAt: ago(100 * DAY),
          updatedAt: ago(finishedDaysAgo * DAY),
        })
      ).id;
    const ids = {
      oldDone: await job('old done', 'done', 11),
      oldFailed: await job('old failed', 'failed', 30),
      youngDone: await job('young done', 'done', 9),
      youngFailed: await job('young failed', 'failed', 1),
      waiting: await job('waiting', 'queued', 50),
    };
    await runNow(PRUNE_JOBS_JOB);
    const left = (await server.repo<JobRow>('Job').findBy({ kind: 'test.retention' }))
      .map((j) => j.id)
      .sort((a, b) => a - b);
    expect(left).toEqual([ids.youngDone, ids.youngFailed, ids.waiting]);
  });

  it('deletes settled ping records older than RETAIN_INCOMING_PINGS_DAYS; pending and younger ones stay', async () => {
    const ping = async (status: IncomingPingStatus, daysAgo: number) =>
      (
        await server.repo<IncomingPingRow>('IncomingPing').save({
          token: randomBytes(18).toString('base64url'),
          kind: 'WEBMENTION',
          sourceUrl: `https://elsewhere.example/${status}/${daysAgo}`,
          targetUrl: 'https://blog.example.org/posts/retention',
          postId,
          sourceHost: 'elsewhere.example',
          status,
          result: null,
          reason: null,
          linkbackId: null,
          createdAt: ago(daysAgo * DAY),
          updatedAt: ago(daysAgo * DAY),
        })
      ).id;
    const ids = {
      oldAccepted: await ping('ACCEPTED', 21),
      oldRejected: await ping('REJECTED', 200),
      oldRetrying: await ping('RETRYING', 25),
      oldQueued: await ping('QUEUED', 25),
      youngAccepted: await ping('ACCEPTED', 19),
    };
    await runNow(PRUNE_PINGS_JOB);
    const left = (await server.repo<IncomingPingRow>('IncomingPing').findBy({ postId }))
      .map((p) => p.id)
      .sort((a, b) => a - b);
    expect(left).toEqual([ids.oldRetrying, ids.oldQueued, ids.youngAccepted]);
  });

  it('deletes sessions expired RETAIN_EXPIRED_SESSIONS_DAYS ago and sign-in attempts past their age, never within the throttle window', async () => {
    const user = await createUser(server.db, { email: 'retention@example.org' });
    const session = async (expiresIn: number) =>
      (
        await server.repo<SessionRow>('Session').save({
          userId: user.id,
          tokenHash: randomBytes(32).toString('hex'),
          createdAt: ago(40 * DAY),
          expiresAt: new Date(Date.now() + expiresIn),
          lastUsedAt: ago(10 * DAY),
        })
      ).id;
    const sessions = {
      expiredLongAgo: await session(-4 * DAY),
      expiredLately: await session(-2 * DAY),
      live: await session(5 * DAY),
    };
    const attempt = async (msAgo: number) =>
      (
        await server.repo<SignInAttemptRow>('SignInAttempt').save({
          subject: randomBytes(32).toString('hex'),
          createdAt: ago(msAgo),
        })
      ).id;
    const attempts = {
      old: await attempt(25 * HOUR),
      // Younger than RETAIN_SIGN_IN_ATTEMPTS_DAYS=1: kept.
      lastNight: await attempt(20 * HOUR),
      recent: await attempt(10 * 60_000),
    };
    await runNow(PRUNE_AUTH_JOB);
    const sessionsLeft = (await server.repo<SessionRow>('Session').findBy({ userId: user.id }))
      .map((s) => s.id)
      .sort((a, b) => a - b);
    expect(sessionsLeft).toEqual([sessions.expiredLately, sessions.live]);
    const attemptIds = Object.values(attempts);
    const attemptsLeft = (await server.repo<SignInAttemptRow>('SignInAttempt').find())
      .map((a) => a.id)
      .filter((id) => attemptIds.includes(id))
      .sort((a, b) => a - b);
    expect(attemptsLeft).toEqual([attempts.lastNight, attempts.recent]);
  });
});

const FLAKY_JOB = 'test.flaky-recurring';

/** A recurring job that fails at every run, as a retention job would with its table gone. */
const flaky = defineModule({
  name: 'test-flaky',
  jobs: () => ({
    [FLAKY_JOB]: async () => {
      throw new Error('the table is away');
    },
  }),
  recurring: { [FLAKY_JOB]: HOUR },
});

describe.each(databaseKinds())('a recurring job that fails on %s', (kind) => {
  let server: TestServer;
  const log = capturedLog();
  beforeAll(async () => {
    server = await startServer(kind, {
      modules: [...appModules, flaky],
      logStream: log.stream,
    });
  });
  afterAll(() => server?.close());

  it('gives way to its next run, which stays an interval ahead, and logs the failure', async () => {
    const job = await server.app.services.jobs.enqueue(FLAKY_JOB, {}, { key: FLAKY_JOB });
    await eventually('the run to fail', async () => {
      const row = await server.app.services.jobs.find(job.id);
      return row?.status === 'done';
    });
    expect(await server.app.services.jobs.find(job.id)).toMatchObject({
      status: 'done',
      lastError: 'superseded: the table is away',
    });
    const waiting = await server.repo<JobRow>('Job').findBy({ kind: FLAKY_JOB, status: 'queued' });
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.runAt.getTime()).toBeGreaterThan(Date.now() + HOUR - 5 * 60_000);
    const lines = log
      .text()
      .split('\n')
      .filter((l) => l.includes(FLAKY_JOB))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        kind: FLAKY_JOB,
        err: 'the table is away',
        msg: 'job failed; a newer one with its key is queued instead',
      }),
    );
  });
});
