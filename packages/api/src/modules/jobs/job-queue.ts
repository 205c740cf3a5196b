import { RawRows } from '../../db/raw-rows.js';
import type { EntityManager } from 'typeorm';
import { insertOne, type Database } from '../../db/database.js';
import type { JobsConfig } from '../../config.js';
import { dbDate, parseDbDate } from '../../db/dates.js';
import { SqlParams } from '../../db/params.js';
import { inBatches } from '../../db/prune.js';
import type { JobRow } from './entities.js';

/** A running job whose process died is taken over after this long. */
export const STALE_AFTER_MS = 5 * 60_000;

/**
 * The notification channel of the queue: every enqueue (and every retry
 * scheduled) sends `{"id":…,"runAt":"…"}` on it in the same unit of work.
 */
export const JOBS_CHANNEL = 'colloquy_jobs';

/** What a worker hears from the queue (see listen()). */
export interface QueueEvents {
  /** A job was committed that comes due at `runAt` (now or later). */
  enqueued(runAt: Date): void;
  /** Notifications may have been missed (a lost connection, now back): look again. */
  missed(): void;
}

/**
 * Background work kept in the `jobs` table, so a restart loses nothing and
 * several processes can share it.
 *
 * A worker claims a job in one unit of work. On PostgreSQL that is one
 * statement, `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)`:
 * each of several workers locks a different due row and none waits for
 * another's lock. On SQLite the unit of work holds the write lock from its
 * start (BEGIN IMMEDIATE), so claims are one at a time, across processes too.
 *
 * Workers do not poll: enqueue() notifies them (Database.notify, so at commit
 * and never after a rollback), and nextDue() tells an idle worker when to
 * look again for a job that is not due yet.
 */
export class JobQueue {
  constructor(private readonly deps: { db: Database; config: { jobs: JobsConfig } }) {}

  private repo() {
    return this.deps.db.read.getRepository<JobRow>('Job');
  }

  /**
   * Adds a job. Inside a unit of work it joins it, so the job is stored with
   * the writes it belongs to (or not at all); the workers hear of it once
   * that has committed.
   *
   * With a `key`, at most one job with that key waits in the queue (a
   * partial unique index says so): a waiting one is replaced (its payload
   * and run_at), so enqueueing twice runs once. A job with the key that is
   * already running is not touched.
   */
  enqueue(
    kind: string,
    payload: unknown,
    options: { runAt?: Date; key?: string } = {},
  ): Promise<JobRow> {
    const now = new Date();
    const values: Omit<JobRow, 'id'> = {
      kind,
      payload: JSON.stringify(payload),
      status: 'queued',
      attempts: 0,
      runAt: options.runAt ?? now,
      lockedAt: null,
      lastError: null,
      dedupeKey: options.key ?? null,
      createdAt: now,
      updatedAt: now,
    };
    return this.deps.db.write(async (em) => {
      const job =
        values.dedupeKey !== null && this.deps.db.kind === 'postgres'
          ? await this.upsertKeyed(em, values)
          : await this.insertReplacing(em, values);
      await this.announce(job.id, job.runAt);
      return job;
    });
  }

  /**
   * Queues a job with this key unless one is waiting already (which keeps
   * its time): what a recurring job's first run needs, so that a restart
   * neither adds a run nor puts the next one off.
   */
  ensureQueued(kind: string, key: string, runAt: Date): Promise<void> {
    return this.deps.db.write(async (em) => {
      const waiting = await em
        .getRepository<JobRow>('Job')
        .existsBy({ dedupeKey: key, status: 'queued' });
      if (!waiting) await this.enqueue(kind, {}, { runAt, key });
    });
  }

  /**
   * SQLite: the unit of work holds the write lock, so nobody can queue the
   * same key between the DELETE and the INSERT.
   */
  private async insertReplacing(em: EntityManager, values: Omit<JobRow, 'id'>): Promise<JobRow> {
    if (values.dedupeKey !== null) await this.deleteQueued(em, values.dedupeKey);
    return insertOne<JobRow>(em, 'Job', values);
  }

  /** PostgreSQL: one statement, so two units of work queueing one key at once leave one job. */
  private async upsertKeyed(em: EntityManager, values: Omit<JobRow, 'id'>): Promise<JobRow> {
    const rows = await em.query<Record<string, unknown>[]>(
      `INSERT INTO jobs (kind, payload, status, attempts, run_at, locked_at, last_error, dedupe_key, created_at, updated_at)
       VALUES ($1, $2, 'queued', 0, $3, NULL, NULL, $4, $5, $5)
       ON CONFLICT (dedupe_key) WHERE status = 'queued'
       DO UPDATE SET kind = EXCLUDED.kind, payload = EXCLUDED.payload, run_at = EXCLUDED.run_at,
                     attempts = 0, last_error = NULL, updated_at = EXCLUDED.updated_at
       RETURNING *`,
      [values.kind, values.payload, values.runAt, values.dedupeKey, values.createdAt],
    );
    return new RawRows<JobRow>(em.getRepository('Job')).hydrate(rows[0]!);
  }

  /**
   * Removes the waiting job with this key, if any (one that is running is
   * left to finish: its handler must check that it is still wanted). Inside
   * a unit of work it joins it.
   */
  cancel(key: string): Promise<void> {
    return this.deps.db.write((em) => this.deleteQueued(em, key));
  }

  private async deleteQueued(em: EntityManager, key: string): Promise<void> {
    await em
      .getRepository<JobRow>('Job')
      .createQueryBuilder()
      .delete()
      .where("dedupe_key = :key AND status = 'queued'", { key })
      .execute();
  }

  /** Tells every worker (in every process, on PostgreSQL) of a job due at `runAt`. */
  private announce(id: number, runAt: Date): Promise<void> {
    return this.deps.db.notify(JOBS_CHANNEL, JSON.stringify({ id, runAt: runAt.toISOString() }));
  }

  /**
   * Hears of jobs committed from now on: by any process on PostgreSQL, by
   * this one on SQLite (whose workers also poll now and then, see
   * JobsConfig.sqlitePollIntervalMs). Resolves to a function that stops.
   */
  listen(events: QueueEvents): Promise<() => Promise<void>> {
    return this.deps.db.listen(JOBS_CHANNEL, (payload) => events.enqueued(runAtOf(payload)), {
      onReconnect: () => events.missed(),
    });
  }

  /**
   * How often an idle worker must look for jobs it is not told about: on
   * SQLite, those another process committed; null on PostgreSQL, where every
   * process hears of every job.
   */
  get pollIntervalMs(): number | null {
    return this.deps.db.kind === 'postgres' ? null : this.deps.config.jobs.sqlitePollIntervalMs;
  }

  /** Takes one due job (or one whose worker vanished), marking it running; null when none is due. */
  claim(now = new Date()): Promise<JobRow | null> {
    const stale = new Date(now.getTime() - STALE_AFTER_MS);
    return this.deps.db.write((em) =>
      this.deps.db.kind === 'postgres'
        ? this.claimSkippingLocked(em, now, stale)
        : this.claimHoldingWriteLock(em, now, stale),
    );
  }

  private async claimSkippingLocked(
    em: EntityManager,
    now: Date,
    stale: Date,
  ): Promise<JobRow | null> {
    // TypeORM answers an UPDATE on PostgreSQL with [rows, affected].
    const [rows] = await em.query<[Record<string, unknown>[], number]>(
      `UPDATE jobs
          SET status = 'running', locked_at = $1, updated_at = $1, attempts = attempts + 1
        WHERE id = (
          SELECT id FROM jobs
           WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_at < $2)
           ORDER BY run_at, id
           FOR UPDATE SKIP LOCKED
           LIMIT 1)
        RETURNING *`,
      [now, stale],
    );
    // A row of RETURNING *, converted as TypeORM converts what it reads.
    return rows[0] ? new RawRows<JobRow>(em.getRepository('Job')).hydrate(rows[0]) : null;
  }

  private async claimHoldingWriteLock(
    em: EntityManager,
    now: Date,
    stale: Date,
  ): Promise<JobRow | null> {
    const repo = em.getRepository<JobRow>('Job');
    // No other writer runs until this unit commits: nobody can claim the row between the two statements.
    const job = await repo
      .createQueryBuilder('j')
      .where("(j.status = 'queued' AND j.runAt <= :now)", { now: dbDate(this.deps.db, now) })
      .orWhere("(j.status = 'running' AND j.lockedAt < :stale)", {
        stale: dbDate(this.deps.db, stale),
      })
      .orderBy('j.runAt', 'ASC')
      .addOrderBy('j.id', 'ASC')
      .limit(1)
      .getOne();
    if (!job) return null;
    const claimed = {
      status: 'running' as const,
      lockedAt: now,
      updatedAt: now,
      attempts: job.attempts + 1,
    };
    await repo.update({ id: job.id }, claimed);
    return { ...job, ...claimed };
  }

  /**
   * When an idle worker should look again: the earliest run_at of the queued
   * jobs, or when a running job may be taken over if its worker has
   * vanished; null when there are no jobs to wait for. One statement.
   */
  async nextDue(): Promise<Date | null> {
    const [row] = await this.deps.db.read.query<{ next_run: unknown; oldest_lock: unknown }[]>(
      `SELECT MIN(CASE WHEN status = 'queued' THEN run_at END) AS next_run,
              MIN(CASE WHEN status = 'running' THEN locked_at END) AS oldest_lock
         FROM jobs WHERE status IN ('queued', 'running')`,
    );
    const nextRun = parseDbDate(row?.next_run);
    const oldestLock = parseDbDate(row?.oldest_lock);
    const takeover = oldestLock && new Date(oldestLock.getTime() + STALE_AFTER_MS);
    if (!nextRun || !takeover) return nextRun ?? takeover;
    return nextRun < takeover ? nextRun : takeover;
  }

  async complete(job: JobRow): Promise<void> {
    await this.update(job.id, {
      status: 'done',
      lockedAt: null,
      lastError: null,
      updatedAt: new Date(),
    });
  }

  private async update(id: number, fields: Partial<JobRow>): Promise<void> {
    await this.deps.db.write((em) => em.getRepository<JobRow>('Job').update({ id }, fields));
  }

  /**
   * Records a failed attempt: the job runs again after an exponential
   * back-off (retryBaseMs, doubled per attempt), or is marked failed once it
   * has had maxAttempts; or, when a newer job with its key is queued, is
   * done (superseded).
   */
  async fail(job: JobRow, error: string): Promise<'retry' | 'failed' | 'superseded'> {
    const { retryBaseMs, maxAttempts } = this.deps.config.jobs;
    const now = new Date();
    if (job.attempts >= maxAttempts) {
      await this.update(job.id, {
        status: 'failed',
        lockedAt: null,
        lastError: error.slice(0, 2000),
        updatedAt: now,
      });
      return 'failed';
    }
    const runAt = new Date(now.getTime() + retryBaseMs * 2 ** (job.attempts - 1));
    return this.deps.db.write(async (em) => {
      const repo = em.getRepository<JobRow>('Job');
      // A newer job with the same key waits already: this one is not wanted any more (and
      // could not be queued beside it).
      if (
        job.dedupeKey !== null &&
        (await repo.existsBy({ dedupeKey: job.dedupeKey, status: 'queued' }))
      ) {
        await repo.update(
          { id: job.id },
          {
            status: 'done',
            lockedAt: null,
            lastError: `superseded: ${error}`.slice(0, 2000),
            updatedAt: now,
          },
        );
        return 'superseded' as const;
      }
      await repo.update(
        { id: job.id },
        {
          status: 'queued',
          runAt,
          lockedAt: null,
          lastError: error.slice(0, 2000),
          updatedAt: now,
        },
      );
      // Every worker learns when it is due, so it runs on time even if this process goes away.
      await this.announce(job.id, runAt);
      return 'retry' as const;
    });
  }

  /**
   * How many jobs of each kind are due, waiting for their time (a retry's
   * back-off, a later run), running, or failed for good: one statement, for
   * /metrics. The whole queue's, every process's alike.
   */
  async counts(now = new Date()): Promise<JobCount[]> {
    const params = new SqlParams(this.deps.db.kind);
    const at = params.add(dbDate(this.deps.db, now));
    const rows = await this.deps.db.read.query<{ kind: string; state: string; n: unknown }[]>(
      `SELECT kind,
              CASE WHEN status <> 'queued' THEN status WHEN run_at <= ${at} THEN 'due' ELSE 'waiting' END AS state,
              COUNT(*) AS n
         FROM jobs WHERE status IN ('queued', 'running', 'failed')
        GROUP BY kind, state`,
      params.values,
    );
    return rows.map((r) => ({
      kind: r.kind,
      state: r.state as JobCount['state'],
      count: Number(r.n),
    }));
  }

  /** Deletes the jobs that finished (done, or failed for good) before `before`; returns how many. */
  pruneFinished(before: Date): Promise<number> {
    return inBatches(this.deps.db, {
      entity: 'Job',
      table: 'jobs',
      where: "status IN ('done', 'failed') AND updated_at < :before",
      params: { before: dbDate(this.deps.db, before) },
    });
  }

  find(id: number): Promise<JobRow | null> {
    return this.repo().findOneBy({ id });
  }
}

export interface JobCount {
  kind: string;
  state: 'due' | 'waiting' | 'running' | 'failed';
  count: number;
}

/** The runAt of a notification on JOBS_CHANNEL; "now" when it cannot be read (a claim will tell). */
function runAtOf(payload: string): Date {
  try {
    const runAt = new Date((JSON.parse(payload) as { runAt?: unknown }).runAt as string);
    return Number.isNaN(runAt.getTime()) ? new Date(0) : runAt;
  } catch {
    return new Date(0);
  }
}
