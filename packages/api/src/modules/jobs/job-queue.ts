import type { DataSource, EntityManager } from 'typeorm';
import type { JobsConfig } from '../../config.js';
import { dbDate } from '../../db/dates.js';
import type { JobRow } from '../../db/entities.js';

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

  constructor(private readonly deps: { dataSource: DataSource; config: { jobs: JobsConfig } }) {}

  /** Tells this process's workers that jobs were committed (others find them by polling). */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` on notify(); returns a function that unsubscribes. */
  onNotify(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private repo(em?: EntityManager) {
    return (em ?? this.deps.dataSource.manager).getRepository<JobRow>('Job');
  }

  /** Adds a job; pass the transaction's manager to enqueue atomically with other writes. */
  enqueue(
    kind: string,
    payload: unknown,
    options: { runAt?: Date; em?: EntityManager } = {},
  ): Promise<JobRow> {
    const now = new Date();
    return this.repo(options.em).save({
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
  }

  /** Takes one due job (or one whose worker vanished), marking it running; null when none is due. */
  async claim(now = new Date()): Promise<JobRow | null> {
    const ds = this.deps.dataSource;
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
      const claim = this.repo()
        .createQueryBuilder()
        .update()
        .set({ status: 'running', lockedAt: now, updatedAt: now, attempts: () => 'attempts + 1' })
        .where('id = :id', { id: job.id });
      if (job.status === 'queued') claim.andWhere("status = 'queued'");
      else
        claim.andWhere("status = 'running' AND locked_at < :stale", { stale: dbDate(ds, stale) });
      const result = await claim.execute();
      if (result.affected === 1) {
        return { ...job, status: 'running', lockedAt: now, attempts: job.attempts + 1 };
      }
    }
    return null;
  }

  async complete(job: JobRow): Promise<void> {
    await this.repo().update(
      { id: job.id },
      { status: 'done', lockedAt: null, lastError: null, updatedAt: new Date() },
    );
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
      await this.repo().update(
        { id: job.id },
        { status: 'failed', lockedAt: null, lastError: error.slice(0, 2000), updatedAt: now },
      );
      return 'failed';
    }
    const runAt = new Date(now.getTime() + retryBaseMs * 2 ** (job.attempts - 1));
    await this.repo().update(
      { id: job.id },
      { status: 'queued', runAt, lockedAt: null, lastError: error.slice(0, 2000), updatedAt: now },
    );
    return 'retry';
  }

  find(id: number): Promise<JobRow | null> {
    return this.repo().findOneBy({ id });
  }
}
