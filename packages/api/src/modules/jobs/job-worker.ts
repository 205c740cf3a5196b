import type { JobsConfig } from '../../config.js';
import type { JobRow } from './entities.js';
import type { JobQueue } from './job-queue.js';

export interface JobAttempt {
  /** 1 for the first run. */
  attempt: number;
  /** True when a failure now will not be retried. */
  last: boolean;
}

/**
 * Does one job. Returning means done; throwing means "try again later"
 * (with back-off) until the attempts run out. A handler records its own
 * outcome for people to see (e.g. an outgoing ping's status).
 */
export type JobHandler = (payload: unknown, attempt: JobAttempt) => Promise<void>;

export interface JobLog {
  error(details: object, message: string): void;
}

/** After a failed claim (the database away), the worker looks again this much later. */
const RETRY_AFTER_ERROR_MS = 5000;
/**
 * A job that was due when the claim looked but that the claim did not get is
 * being claimed by another worker (its row is locked): look again this much
 * later, rather than at once and again and again.
 */
const CONTENDED_RETRY_MS = 1000;
/** setTimeout's longest delay; a longer sleep wakes early and sleeps again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs due jobs one at a time in this process, without polling the queue:
 *
 * - the queue's notifications wake it: a job committed by any process on
 *   PostgreSQL (NOTIFY), by this one on SQLite;
 * - when it runs out of due jobs it reads once when the next one comes due
 *   (a retry's back-off, a job that a vanished worker holds) and sleeps
 *   until then, or until woken;
 * - when the listener's lost connection is back it looks once, for the jobs
 *   whose notifications were lost meanwhile;
 * - on SQLite only, where other processes' jobs are not announced, it also
 *   looks every sqlitePollIntervalMs.
 *
 * `stop()` lets the job in progress finish, so closing the app loses nothing.
 */
export class JobWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** A job may be due now: claim before sleeping again. */
  private mustLook = true;
  /** The earliest time (epoch ms) a job is known to come due; null when none is. */
  private nextDue: number | null = null;
  /** Ends the current sleep early, when there is one. */
  private interrupt: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Resolves start(): the first look for due jobs is over. */
  private firstLookDone: (() => void) | null = null;

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: Record<string, JobHandler>,
    private readonly config: JobsConfig,
    private readonly log: JobLog,
  ) {}

  /**
   * Listens for jobs, then looks once for due ones; resolves when that look
   * is over (before running what it found), so that the app is ready with a
   * worker that has settled. Rejects when it cannot listen.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      // Listening first: a job committed after the first claim's look is heard of.
      this.unlisten = await this.queue.listen({
        enqueued: (runAt) => this.heard(runAt.getTime()),
        missed: () => this.wake(),
      });
    } catch (error) {
      this.running = false;
      throw error;
    }
    this.mustLook = true;
    const looked = new Promise<void>((resolve) => (this.firstLookDone = resolve));
    this.loop = this.run();
    await looked;
  }

  /** Looks for due jobs now. */
  wake(): void {
    this.mustLook = true;
    this.interrupt?.();
  }

  /** A job comes due at `runAt`: look now, or sleep no later than then. */
  private heard(runAt: number): void {
    if (runAt <= Date.now()) return this.wake();
    if (this.nextDue === null || runAt < this.nextDue) {
      this.nextDue = runAt;
      this.interrupt?.();
    }
  }

  /**
   * Resolves once the worker is asleep with no job due that it knows of (at
   * once when it is, or when it is not running): tests wait for this before
   * counting what an idle worker does.
   */
  whenIdle(): Promise<void> {
    if (this.interrupt || !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.running = false;
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.();
    this.wake();
    await this.loop;
    this.loop = null;
    this.firstLookDone?.();
    this.flushIdleWaiters();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let retryAt: number | null = null;
      if (this.mustLook) {
        this.mustLook = false;
        let job: JobRow | null = null;
        try {
          const claimedAt = Date.now();
          job = await this.queue.claim(new Date(claimedAt));
          if (!job && !this.mustLook) {
            // Notifications heard during the read may lower what it finds, never raise it.
            this.nextDue = null;
            let next = (await this.queue.nextDue())?.getTime() ?? null;
            if (next !== null && next <= claimedAt) next = Date.now() + CONTENDED_RETRY_MS;
            if (next !== null && (this.nextDue === null || next < this.nextDue))
              this.nextDue = next;
          }
        } catch (error) {
          this.log.error({ err: describe(error) }, 'job queue: claim failed');
          retryAt = Date.now() + RETRY_AFTER_ERROR_MS;
        }
        this.firstLookDone?.();
        this.firstLookDone = null;
        if (job) {
          await this.execute(job);
          this.mustLook = true;
        }
        if (this.mustLook || !this.running) continue;
      }
      const poll = this.queue.pollIntervalMs;
      const until = earliest(this.nextDue, retryAt, poll === null ? null : Date.now() + poll);
      await this.sleep(until);
    }
  }

  /** Sleeps until `until` (epoch ms; null: until woken), then looks for due jobs. */
  private async sleep(until: number | null): Promise<void> {
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let ended = false;
      const end = (look: boolean) => {
        ended = true;
        if (timer) clearTimeout(timer);
        this.interrupt = null;
        if (look) this.mustLook = true;
        resolve();
      };
      // A timer may fire a little early (it counts from the event loop's cached
      // clock): a claim then would find the job not yet due, so sleep the rest.
      const arm = (deadline: number) => {
        const left = deadline - Date.now();
        if (left <= 0) return end(true);
        timer = setTimeout(() => arm(deadline), Math.min(left, MAX_TIMER_MS));
      };
      this.interrupt = () => end(false);
      if (until !== null) arm(until);
      // Not asleep after all when the deadline has passed already.
      if (!ended) this.flushIdleWaiters();
    });
  }

  private flushIdleWaiters(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async execute(job: JobRow): Promise<void> {
    const handler = this.handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(JSON.parse(job.payload) as unknown, {
        attempt: job.attempts,
        last: job.attempts >= this.config.maxAttempts,
      });
      await this.queue.complete(job);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      try {
        const outcome = await this.queue.fail(job, message);
        if (outcome === 'failed') {
          this.log.error({ jobId: job.id, kind: job.kind, err: message }, 'job failed for good');
        } else if (outcome === 'superseded') {
          // Not retried (a newer job with its key waits): a recurring job that fails at every
          // run is only ever superseded, so this line is where its failures show.
          this.log.error(
            { jobId: job.id, kind: job.kind, err: message },
            'job failed; a newer one with its key is queued instead',
          );
        }
      } catch (failure) {
        this.log.error(
          { jobId: job.id, err: describe(failure) },
          'job queue: cannot record failure',
        );
      }
    }
  }
}

function earliest(...times: (number | null)[]): number | null {
  const known = times.filter((t): t is number => t !== null);
  return known.length > 0 ? Math.min(...known) : null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
