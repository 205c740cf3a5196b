import { insertOne, type Database } from '../../db/database.js';
import { Brackets, In, type EntityManager } from 'typeorm';
import { dbDate } from '../../db/dates.js';
import type { SignInAttemptRow } from './entities.js';
import { AUTH } from './constants.js';
import { hashSecret } from './secrets.js';

const { windowMs, freeFailuresPerEmail, freeFailuresPerIp, firstDelayMs } = AUTH.throttle;

/** How long attempts wait after `failures` recent failures, when `free` are allowed. */
export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(firstDelayMs * 2 ** Math.min(failures - free, 30), windowMs);
}

/** An attempt in progress: counted as a failure until it is resolved as a success. */
export interface Attempt {
  emailSubject: string;
  ipAttemptId: number | null;
  emailAttemptId: number;
}

export type BeginResult = { ok: true; attempt: Attempt } | { ok: false; retryAt: Date };

/**
 * Slows down password guessing, per email and per IP address, with the
 * counts kept in the database so that every server process sees them.
 *
 * Each attempt is recorded BEFORE the password is checked and only removed
 * when it succeeds; it then looks at the attempts recorded before it. So a
 * burst of parallel guesses is counted like a sequence of guesses.
 */
export class SignInThrottle {
  private lastSweep = 0;

  constructor(private readonly deps: { db: Database }) {}

  private get repo() {
    return this.deps.db.read.getRepository<SignInAttemptRow>('SignInAttempt');
  }

  static emailSubject(email: string): string {
    return hashSecret(`email:${email}`);
  }

  static ipSubject(ip: string): string {
    return hashSecret(`ip:${ip}`);
  }

  async begin(email: string, ip: string | null): Promise<BeginResult> {
    const now = new Date();
    await this.sweep(now);
    const emailSubject = SignInThrottle.emailSubject(email);
    const ipSubject = ip ? SignInThrottle.ipSubject(ip) : null;
    const { emailAttemptId, ipAttemptId } = await this.deps.db.write(async (em) => ({
      emailAttemptId: await this.record(em, emailSubject, now),
      ipAttemptId: ipSubject ? await this.record(em, ipSubject, now) : null,
    }));

    // Each subject's attempts recorded before ours, within the window.
    const qb = this.repo
      .createQueryBuilder('a')
      .select(['a.subject', 'a.createdAt'])
      .where('a.created_at > :since', { since: this.cutoff(now) })
      .andWhere(
        new Brackets((or) => {
          or.where('(a.subject = :emailSubject AND a.id < :emailAttemptId)', {
            emailSubject,
            emailAttemptId,
          });
          if (ipSubject && ipAttemptId !== null) {
            or.orWhere('(a.subject = :ipSubject AND a.id < :ipAttemptId)', {
              ipSubject,
              ipAttemptId,
            });
          }
        }),
      );
    const before = await qb.getMany();
    let retryAt = 0;
    for (const [subject, free] of [
      [emailSubject, freeFailuresPerEmail],
      [ipSubject, freeFailuresPerIp],
    ] as const) {
      if (!subject) continue;
      const rows = before.filter((r) => r.subject === subject);
      const delay = delayAfter(rows.length, free);
      if (delay === 0) continue;
      const latest = Math.max(...rows.map((r) => new Date(r.createdAt).getTime()));
      retryAt = Math.max(retryAt, latest + delay);
    }
    const attempt = { emailSubject, emailAttemptId, ipAttemptId };
    if (retryAt > now.getTime()) {
      // A refused attempt does not count: it could not have guessed anything.
      await this.discard(attempt);
      return { ok: false, retryAt: new Date(retryAt) };
    }
    return { ok: true, attempt };
  }

  private async record(em: EntityManager, subject: string, now: Date): Promise<number> {
    return (await insertOne<SignInAttemptRow>(em, 'SignInAttempt', { subject, createdAt: now })).id;
  }

  /** The right password: the email's failures are forgiven; the IP's stay. */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.deps.db.write(async (em) => {
      const attempts = em.getRepository<SignInAttemptRow>('SignInAttempt');
      await attempts.delete({ subject: attempt.emailSubject });
      if (attempt.ipAttemptId !== null) await attempts.delete({ id: attempt.ipAttemptId });
    });
  }

  private async discard(attempt: Attempt): Promise<void> {
    const ids = [attempt.emailAttemptId, attempt.ipAttemptId].filter((id) => id !== null);
    await this.deps.db.write((em) =>
      em.getRepository<SignInAttemptRow>('SignInAttempt').delete({ id: In(ids) }),
    );
  }

  /** Forgets failures older than the window, at most once a minute per process. */
  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < 60_000) return;
    this.lastSweep = now.getTime();
    await this.deps.db.write((em) =>
      em
        .getRepository<SignInAttemptRow>('SignInAttempt')
        .createQueryBuilder()
        .delete()
        .where('created_at <= :cutoff', { cutoff: this.cutoff(now) })
        .execute(),
    );
  }

  /** Attempts at or before this moment no longer count. */
  private cutoff(now: Date): Date | string {
    return dbDate(this.deps.db, new Date(now.getTime() - windowMs));
  }
}
