import type { FastifyBaseLogger } from 'fastify';
import { tags, type Change } from '../db/changes.js';
import type { PostsService } from '../modules/posts/posts.service.js';

/** Timers longer than this are re-armed (setTimeout holds at most ~24.8 days). */
const MAX_WAIT_MS = 24 * 3600_000;

/**
 * A scheduled post appears to readers when its time comes, without any
 * write: this watch knows the next such post and, at its time, announces the
 * change to this process's cache (every process runs its own watch). It
 * reads the next one at start-up and after every change of posts.
 */
export class ScheduleWatch {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private reading: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly posts: Pick<PostsService, 'nextScheduled'>,
    private readonly announce: (change: Change) => void,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): Promise<void> {
    this.stopped = false;
    return this.refresh();
  }

  /** After a committed change: one that may touch posts may move the next publication. */
  changed(change: Change, _origin: 'local' | 'remote'): void {
    if (change === 'all' || change.has(tags.posts)) void this.refresh();
  }

  private refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.arm()
      .catch((error: unknown) =>
        this.log.warn({ err: error }, 'could not read the next scheduled post'),
      )
      .finally(() => {
        this.reading = null;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.reading;
  }

  private async arm(): Promise<void> {
    const next = await this.posts.nextScheduled();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!next?.publishedAt || this.stopped) return;
    const wait = next.publishedAt.getTime() - Date.now();
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (wait <= MAX_WAIT_MS) {
          this.announce(new Set([tags.posts, tags.post(next.id), tags.slug(next.slug)]));
        }
        void this.refresh();
      },
      // A millisecond past its time, so that it is visible by then (publishedAt <= now).
      Math.max(0, Math.min(wait, MAX_WAIT_MS)) + 1,
    );
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
