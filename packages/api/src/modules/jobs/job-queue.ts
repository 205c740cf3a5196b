import { insertOne, type Database } from '../../db/database.js';
import type { JobsConfig } from '../../config.js';
import { dbDate } from '../../db/dates.js';
import type { JobRow } from './entities.js';

/** A running job whose process died is taken over after this long. */
const STALE_AFTER_MS = 5 * 60_000;
/** Due jobs looked at per claim (the first one not taken by another worker wins). */
const CLAIM_CANDIDATES = 5;

/**
 * Background work kept in the `jobs` table, so a restart loses nothing and
 * several processes can share it. A worker claims a job with a conditional
 * UPDATE (… WHERE id = ? AND status = 'queued'): of two workers that pick the
 * same job, the database lets exactly one change the row. The same statement
 * works on SQLite (one process) and PostgreSQL (many).
 */
export class JobQueue {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: { db: Database; config: { jobs: JobsConfig } }) {}

  /** Tells this process's workers that jobs were committed (others find them by polling). */
  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` on notify(); returns a function that unsubscribes. */
  onNotify(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private repo() {
    return this.deps.db.read.getRepository<JobRow>('Job');
  }

  /**
   * Adds a job. Inside a unit of work it joins it, so the job is stored with
   * the writes it belongs to (or not at all); the workers hear of it once
   * that has committed.
   */
  enqueue(kind: string, payload: unknown, options: { runAt?: Date } = {}): Promise<JobRow> {
    const now = new Date();
    return this.deps.db.write(async (em) => {
      const job = await insertOne<JobRow>(em, 'Job', {
        kind,
        payload: JSON.stringify(payload),
        status: 'queued',
        attempts: 0,
        runAt: options.runAt ?? now,
        lockedAt: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
      this.deps.db.afterCommit(() => this.notify());
      return job;
    });
  }

  /** Takes one due job (or one whose worker vanished), marking it running; null when none is due. */
  async claim(now = new Date()): Promise<JobRow | null> {
    const ds = this.deps.db;
    const stale = new Date(now.getTime() - STALE_AFTER_MS);
    const candidates = await this.repo()
      .createQueryBuilder('j')
      .where("(j.status = 'queued' AND j.runAt <= :now)", { now: dbDate(ds, now) })
      .orWhere("(j.status = 'running' AND j.lockedAt < :stale)", { stale: dbDate(ds, stale) })
      .orderBy('j.runAt', 'ASC')
      .addOrderBy('j.id', 'ASC')
      .take(CLAIM_CANDIDATES)
      .getMany();
    for (const job of candidates) {
      const result = await this.deps.db.write((em) => {
        const claim = em
          .getRepository<JobRow>('Job')
          .createQueryBuilder()
          .update()
          .set({ status: 'running', lockedAt: now, updatedAt: now, attempts: () => 'attempts + 1' })
          .where('id = :id', { id: job.id });
        if (job.status === 'queued') claim.andWhere("status = 'queued'");
        else
          claim.andWhere("status = 'running' AND locked_at < :stale", {
            stale: dbDate(ds, stale),
          });
        return claim.execute();
      });
      if (result.affected === 1) {
        return { ...job, status: 'running', lockedAt: now, attempts: job.attempts + 1 };
      }
    }
    return null;
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
   * has had maxAttempts.
   */
  async fail(job: JobRow, error: string): Promise<'retry' | 'failed'> {
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
    await this.update(job.id, {
      status: 'queued',
      runAt,
      lockedAt: null,
      lastError: error.slice(0, 2000),
      updatedAt: now,
    });
    return 'retry';
  }

  find(id: number): Promise<JobRow | null> {
    return this.repo().findOneBy({ id });
  }
}
