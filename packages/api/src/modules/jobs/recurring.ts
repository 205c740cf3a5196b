import type { JobQueue } from './job-queue.js';
import type { JobHandler } from './job-worker.js';

/** How often the retention jobs (pruning old rows, clearing old IP addresses) run. */
export const RETENTION_EVERY_MS = 60 * 60_000;

export const DAY_MS = 24 * 60 * 60_000;

/** The moment `days` days before `now`. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Recurring jobs, made of the queue's keyed jobs: one job per kind waits at
 * most (its key is its kind), so however many processes run workers, each
 * run happens once.
 *
 * - A process whose worker starts queues the first run one interval ahead,
 *   unless a run is waiting already (a restart puts nothing off).
 * - A run queues the next one before it does its work, so that a run that
 *   fails is simply done again at the next interval: its retry finds the
 *   next run waiting and gives way to it (JobQueue.fail, "superseded").
 */
export function recurringHandlers(
  queue: JobQueue,
  handlers: Record<string, JobHandler>,
  recurring: Readonly<Record<string, number>>,
): Record<string, JobHandler> {
  const wrapped = { ...handlers };
  for (const [kind, everyMs] of Object.entries(recurring)) {
    const handler = handlers[kind];
    if (!handler) throw new Error(`recurring job ${kind} has no handler`);
    wrapped[kind] = async (payload, attempt) => {
      await queue.enqueue(kind, {}, { runAt: new Date(Date.now() + everyMs), key: kind });
      await handler(payload, attempt);
    };
  }
  return wrapped;
}

/** Queues each recurring job's first run, where none waits yet (see recurringHandlers). */
export async function scheduleRecurring(
  queue: JobQueue,
  recurring: Readonly<Record<string, number>>,
  now: Date = new Date(),
): Promise<void> {
  for (const [kind, everyMs] of Object.entries(recurring))
    await queue.ensureQueued(kind, kind, new Date(now.getTime() + everyMs));
}
