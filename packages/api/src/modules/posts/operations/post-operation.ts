import { tags } from '../../../db/changes.js';
import type { EntityManager } from 'typeorm';
import { updateOne, type Database } from '../../../db/database.js';
import type { DomainEvents } from '../../../db/domain-events.js';
import type { PostRow } from '../entities.js';
import { assertReach } from '../../auth/policy.js';
import { assertCan, requireViewer } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { parseId } from '../../../lib/ids.js';
import type { UserError } from '../../../lib/user-errors.js';
import type { DiscussionSettingsService } from '../../discussion/discussion-settings.service.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { EditorialHooks } from '../hooks.js';
import { messages } from '../messages.js';
import { cancelGoingLive } from './going-live.js';
import { isVisible } from '../visibility.js';

/** What the post operations work with: handed in once, by PostEditorService. */
export interface PostEditorDeps {
  db: Database;
  events: DomainEvents;
  hooks: EditorialHooks;
  discussionSettings: DiscussionSettingsService;
  /** The queue of the job that announces a scheduled post at its time (./going-live.ts). */
  jobs: JobQueue;
}

export interface PostPayload {
  post: PostRow | null;
  errors: UserError[];
}

export const userError = (field: string | null, code: string, message: string): UserError => ({
  field,
  code,
  message,
});

export const fail = (...errors: UserError[]): PostPayload => ({ post: null, errors });

/** Any post by its GraphQL id, read outside the unit of work; null for an unknown or malformed id. */
export async function loadPost(db: Database, id: string): Promise<PostRow | null> {
  const postId = parseId(id);
  return postId === null ? null : db.read.getRepository<PostRow>('Post').findOneBy({ id: postId });
}

/**
 * Loads the post, asks the policy whether the viewer may do `action` to it
 * (FORBIDDEN otherwise), refuses trashed posts unless told, then runs `work`.
 * The checks come before `work` opens its unit of work, so a refused or
 * invalid request never waits for (or takes) the write lock.
 */
export async function withPost(
  db: Database,
  viewer: Viewer | null,
  id: string,
  action: 'post:edit' | 'post:publish' | 'post:delete',
  work: (post: PostRow, me: Viewer) => Promise<PostPayload>,
  options: { allowTrash?: boolean } = {},
): Promise<PostPayload> {
  requireViewer({ viewer });
  const post = await loadPost(db, id);
  if (!post) {
    assertReach(viewer, action);
    return fail(userError('id', 'NOT_FOUND', messages.postNotFound));
  }
  const me = assertCan(viewer, action, { authorId: post.authorId });
  if (post.status === 'TRASH' && !options.allowTrash)
    return fail(userError('id', 'IN_TRASH', messages.inTrash));
  return work(post, me);
}

/**
 * Names, in the open unit of work, what readers may now see differently
 * (db/changes.ts): when any version of the post (before, after) is
 * published, every post list, the post and both its slugs; a draft that
 * stays a draft changes nothing readers see.
 */
export function postChanged(
  db: Database,
  ...versions: readonly (Pick<PostRow, 'id' | 'slug' | 'status'> | null)[]
): void {
  const shown = versions.some((v) => v?.status === 'PUBLISHED');
  if (!shown) return db.changed();
  db.changed(
    tags.posts,
    ...versions.flatMap((v) => (v ? [tags.post(v.id), tags.slug(v.slug)] : [])),
  );
}

/**
 * Moves the post to `status` (unpublish, trash, restore): its own unit of
 * work, which also drops a waiting publication job (a post that is not
 * PUBLISHED is not announced).
 */
export async function setStatus(
  deps: Pick<PostEditorDeps, 'db' | 'events' | 'jobs'>,
  post: PostRow,
  status: PostRow['status'],
  publishedAt: Date | null,
): Promise<PostPayload> {
  const { db } = deps;
  const saved = await db.write(async (em) => {
    const current = await lockedPost(db, em, post.id);
    const row = await updateOne<PostRow>(em, 'Post', post.id, {
      status,
      publishedAt,
      updatedAt: new Date(),
    });
    postChanged(db, current, row);
    await cancelGoingLive(deps.jobs, post.id);
    await emitVisibility(deps.events, current, row);
    return row;
  });
  return { post: saved, errors: [] };
}

/**
 * The post as it is inside the open unit of work, locked until it commits
 * on PostgreSQL (SQLite's unit of work holds the write lock already): two
 * operations on one post at once run one after the other, and the second
 * sees what the first wrote.
 */
export function lockedPost(db: Database, em: EntityManager, id: number): Promise<PostRow> {
  return em.getRepository<PostRow>('Post').findOneOrFail({
    where: { id },
    ...(db.kind === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
}

/**
 * Tells the domain events what a write did to the post's visibility, inside
 * its unit of work: published when readers now see it and did not, taken
 * off when they saw it and no longer do. A post visible before and after is
 * updated only when its text was written (`edited`).
 */
export async function emitVisibility(
  events: DomainEvents,
  before: PostRow,
  after: PostRow,
  { edited = false, now = new Date() }: { edited?: boolean; now?: Date } = {},
): Promise<void> {
  const was = isVisible(before, now);
  const is = isVisible(after, now);
  const postId = after.id;
  if (!was && is) await events.emit({ type: 'post.published', postId });
  else if (was && !is) await events.emit({ type: 'post.unpublished', postId });
  else if (was && is && edited) await events.emit({ type: 'post.updated', postId });
}
