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

/**
 * Runs due jobs one at a time in this process, polling the queue when idle.
 * `wake()` skips the wait after this process enqueued something; `stop()`
 * lets the job in progress finish, so closing the app loses nothing.
 */
export class JobWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Set by wake(); a wake-up that arrives while claiming must not be slept through. */
  private woken = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: Record<string, JobHandler>,
    private readonly config: JobsConfig,
    private readonly log: JobLog,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.queue.onNotify(() => this.wake());
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let job: JobRow | null = null;
      try {
        job = await this.queue.claim();
      } catch (error) {
        this.log.error({ err: describe(error) }, 'job queue: claim failed');
      }
      if (job) {
        await this.execute(job);
        continue;
      }
      if (this.woken || !this.running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.config.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wakeUp = done;
      });
      this.wakeUp = null;
    }
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

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
