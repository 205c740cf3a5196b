import type { Database } from '../../../db/database.js';
import type { DomainEvents } from '../../../db/domain-events.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { PostRow } from '../entities.js';
import type { EditorialHooks } from '../hooks.js';
import { isVisible } from '../visibility.js';

/**
 * The job that, at a scheduled post's time, does what publishing now does
 * after its commit: it runs the editorial hooks (onPostPublished: the
 * linkbacks module sends the post's pings) and emits post.published. Readers see the post from then
 * on without it (their queries compare publishedAt with now); the cache
 * learns of it from the schedule watch.
 */
export const POST_LIVE_JOB = 'post.live';

export interface PostLivePayload {
  postId: number;
  /** The publication time it was queued for (ISO 8601). */
  publishedAt: string;
}

/** The queue key of a post's publication job: one waits per post at most. */
const liveKey = (postId: number) => `${POST_LIVE_JOB}:${postId}`;

/**
 * Queues (in the open unit of work, so with the schedule or not at all) the
 * job that announces the post at its publishedAt, replacing one queued for
 * an earlier schedule of it.
 */
export async function queueGoingLive(jobs: JobQueue, post: PostRow): Promise<void> {
  const payload: PostLivePayload = {
    postId: post.id,
    publishedAt: post.publishedAt!.toISOString(),
  };
  await jobs.enqueue(POST_LIVE_JOB, payload, { runAt: post.publishedAt!, key: liveKey(post.id) });
}

/** Drops the post's waiting publication job (unscheduled, published now, trashed), in the open unit of work. */
export function cancelGoingLive(jobs: JobQueue, postId: number): Promise<void> {
  return jobs.cancel(liveKey(postId));
}

/**
 * The job: announces the post if it is still scheduled for the time the job
 * was queued for and that time has come. A job of a schedule that changed
 * meanwhile (another time, unpublished, trashed, published now: each of
 * these also cancels a waiting job, this check covers one already running)
 * does nothing.
 */
export async function postWentLive(
  deps: { db: Database; events: DomainEvents; hooks: EditorialHooks },
  payload: PostLivePayload,
): Promise<void> {
  const post = await deps.db.read.getRepository<PostRow>('Post').findOneBy({ id: payload.postId });
  if (!post || !isVisible(post)) return;
  if (post.publishedAt!.getTime() !== Date.parse(payload.publishedAt)) return;
  await deps.hooks.onPostPublished?.(post.id, null);
  // Last: a hook that fails retries the job before anyone is told (its pings are keyed, sent once).
  await deps.db.write(() => deps.events.emit({ type: 'post.published', postId: post.id }));
}
