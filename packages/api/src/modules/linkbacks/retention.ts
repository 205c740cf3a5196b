import type { Database } from '../../db/database.js';
import { dbDate } from '../../db/dates.js';
import { inBatches } from '../../db/prune.js';

/** The recurring job that deletes old records of received pings. */
export const PRUNE_PINGS_JOB = 'linkbacks.prune-pings';

/**
 * Deletes the records of received pings that arrived before `before` and
 * whose verification is over (accepted or rejected); the linkbacks they
 * made stay. Those still queued or retrying are kept for their job.
 */
export function pruneIncomingPings(db: Database, before: Date): Promise<number> {
  return inBatches(db, {
    entity: 'IncomingPing',
    table: 'incoming_pings',
    where: "status IN ('ACCEPTED', 'REJECTED') AND created_at < :before",
    params: { before: dbDate(db, before) },
  });
}
