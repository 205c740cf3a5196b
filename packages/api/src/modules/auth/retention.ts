import type { RetentionConfig } from '../../config.js';
import type { Database } from '../../db/database.js';
import { dbDate } from '../../db/dates.js';
import { inBatches } from '../../db/prune.js';
import { daysBefore } from '../jobs/recurring.js';
import { AUTH } from './constants.js';

/** The recurring job that deletes expired sessions and old sign-in attempts. */
export const PRUNE_AUTH_JOB = 'auth.prune';

/**
 * Deletes sessions that expired more than RETAIN_EXPIRED_SESSIONS_DAYS ago
 * (they can sign no one in) and sign-in attempts older than
 * RETAIN_SIGN_IN_ATTEMPTS_DAYS, never younger than the throttle's window
 * (they would still count).
 */
export async function pruneAuth(
  db: Database,
  retention: RetentionConfig,
  now: Date = new Date(),
): Promise<{ sessions: number; signInAttempts: number }> {
  const sessions = await inBatches(db, {
    entity: 'Session',
    table: 'sessions',
    where: 'expires_at < :before',
    params: { before: dbDate(db, daysBefore(now, retention.expiredSessionsDays)) },
  });
  const attemptsBefore = Math.min(
    daysBefore(now, retention.signInAttemptsDays).getTime(),
    now.getTime() - AUTH.throttle.windowMs,
  );
  const signInAttempts = await inBatches(db, {
    entity: 'SignInAttempt',
    table: 'sign_in_attempts',
    where: 'created_at < :before',
    params: { before: dbDate(db, new Date(attemptsBefore)) },
  });
  return { sessions, signInAttempts };
}
