import type { EntityManager } from 'typeorm';
import type { DbKind } from '../../db/database.js';
import { SqlParams } from '../../db/params.js';
import type { CommentStatus } from './entities.js';

/*
 * Thread counters, exact, changed in the unit of work of every change that
 * moves them (so a reader never sees a count that disagrees with the rows):
 *
 * - comments.reply_count: the comment's approved direct replies;
 * - comment_threads.comment_count: the post's approved comments that readers
 *   can reach, i.e. the comment and all its ancestors are approved (an
 *   approved reply under a pending comment is neither listed nor counted);
 * - comment_threads.top_level_count: the post's approved top-level comments.
 *
 * Inserting a comment and changing its status are the only changes that
 * move them: an edit keeps the status, and deleting for good takes only a
 * trashed comment with its replies, none of which a reader could reach.
 * Every write of a comment goes through insertCommentRow (store.ts),
 * setCommentStatus or CommentModerationService.delete.
 *
 * Concurrency. Counters move by increments (n = n + ?), never by writing
 * back a number read earlier. What an increment is worth depends on the
 * statuses of other comments of the thread (is the parent reachable? which
 * approved replies hang below a comment being unapproved?), so before it
 * reads them a unit of work takes the thread's counter row FOR UPDATE on
 * PostgreSQL: changes to one thread are serialised, and in READ COMMITTED
 * each statement after the lock sees what the unit before it committed.
 * SQLite has one writer at a time already.
 */

export const dbKindOf = (em: EntityManager): DbKind =>
  em.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';

/** Every ancestor walk stops here: threads are at most 10 levels deep (DiscussionSettings.threadDepth). */
const MAX_HOPS = 100;

/**
 * Locks the thread counters of these posts until the unit of work ends
 * (PostgreSQL; on SQLite the unit of work is the only writer). Creates the
 * rows that do not exist yet. In post order, so two units never wait for
 * each other.
 */
export async function lockThreads(em: EntityManager, postIds: readonly number[]): Promise<void> {
  if (dbKindOf(em) !== 'postgres' || postIds.length === 0) return;
  const ids = [...new Set(postIds)].sort((a, b) => a - b);
  const insert = new SqlParams('postgres');
  await em.query(
    `INSERT INTO comment_threads (post_id, comment_count, top_level_count)
     VALUES ${ids.map((id) => `(${insert.add(id)}, 0, 0)`).join(', ')}
     ON CONFLICT (post_id) DO NOTHING`,
    insert.values,
  );
  const lock = new SqlParams('postgres');
  await em.query(
    `SELECT post_id FROM comment_threads WHERE post_id IN (${lock.list(ids)})
     ORDER BY post_id FOR UPDATE`,
    lock.values,
  );
}

interface ThreadDelta {
  comments: number;
  topLevel: number;
}

async function addToThreads(em: EntityManager, deltas: Map<number, ThreadDelta>): Promise<void> {
  const rows = [...deltas].filter(([, d]) => d.comments !== 0 || d.topLevel !== 0);
  if (rows.length === 0) return;
  const p = new SqlParams(dbKindOf(em));
  const values = rows
    .map(([postId, d]) => `(${p.add(postId)}, ${p.int(d.comments)}, ${p.int(d.topLevel)})`)
    .join(', ');
  await em.query(
    `INSERT INTO comment_threads (post_id, comment_count, top_level_count) VALUES ${values}
     ON CONFLICT (post_id) DO UPDATE SET
       comment_count = comment_threads.comment_count + excluded.comment_count,
       top_level_count = comment_threads.top_level_count + excluded.top_level_count`,
    p.values,
  );
}

async function addToReplyCounts(em: EntityManager, deltas: Map<number, number>): Promise<void> {
  const rows = [...deltas].filter(([, n]) => n !== 0);
  if (rows.length === 0) return;
  const p = new SqlParams(dbKindOf(em));
  const cases = rows.map(([id, n]) => `WHEN ${p.add(id)} THEN ${p.int(n)}`).join(' ');
  const ids = rows.map(([id]) => id);
  await em.query(
    `UPDATE comments SET reply_count = reply_count + CASE id ${cases} ELSE 0 END
     WHERE id IN (${p.list(ids)})`,
    p.values,
  );
}

/** The ancestors of each comment (nearest first), with their statuses: bounded by the thread's depth. */
async function ancestorsOf(
  em: EntityManager,
  ids: readonly number[],
): Promise<Map<number, { id: number; status: CommentStatus }[]>> {
  const result = new Map<number, { id: number; status: CommentStatus; hops: number }[]>(
    ids.map((id) => [id, []]),
  );
  if (ids.length === 0) return new Map();
  const p = new SqlParams(dbKindOf(em));
  const rows = (await em.query(
    `WITH RECURSIVE up(start_id, id, parent_id, status, hops) AS (
       SELECT c.id, c.id, c.parent_id, c.status, 0 FROM comments c WHERE c.id IN (${p.list(ids)})
       UNION ALL
       SELECT up.start_id, a.id, a.parent_id, a.status, up.hops + 1
       FROM up JOIN comments a ON a.id = up.parent_id
       WHERE up.hops < ${MAX_HOPS}
     )
     SELECT start_id, id, status, hops FROM up WHERE hops > 0`,
    p.values,
  )) as { start_id: number; id: number; status: CommentStatus; hops: number }[];
  for (const r of rows) {
    result
      .get(Number(r.start_id))
      ?.push({ id: Number(r.id), status: r.status, hops: Number(r.hops) });
  }
  return new Map(
    [...result].map(([id, list]) => [
      id,
      list.sort((a, b) => a.hops - b.hops).map(({ id, status }) => ({ id, status })),
    ]),
  );
}

/**
 * Per post, how many approved comments hang approved from these (each
 * counted with its approved replies, their approved replies, and so on):
 * a walk of those subtrees, bounded by their size, not the thread's.
 */
async function approvedSubtrees(
  em: EntityManager,
  ids: readonly number[],
): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const p = new SqlParams(dbKindOf(em));
  const rows = (await em.query(
    `WITH RECURSIVE sub(id, post_id) AS (
       SELECT id, post_id FROM comments WHERE id IN (${p.list(ids)}) AND status = 'APPROVED'
       UNION ALL
       -- CROSS JOIN: SQLite then walks from sub to its replies by idx_comments_replies.
       -- With a plain JOIN its planner (3.52) put comments first, by status: every
       -- approved comment of the site read at each step of the walk.
       SELECT c.id, c.post_id FROM sub CROSS JOIN comments c
       WHERE c.parent_id = sub.id AND c.status = 'APPROVED'
     )
     SELECT post_id, COUNT(*) AS n FROM sub GROUP BY post_id`,
    p.values,
  )) as { post_id: number; n: number | string }[];
  return new Map(rows.map((r) => [Number(r.post_id), Number(r.n)]));
}

/** Whether readers can reach a comment: it and all its ancestors are approved. */
async function reachableComment(em: EntityManager, id: number): Promise<boolean> {
  const p = new SqlParams(dbKindOf(em));
  const rows = (await em.query(
    `WITH RECURSIVE up(id, parent_id, status, hops) AS (
       SELECT id, parent_id, status, 0 FROM comments WHERE id = ${p.add(id)}
       UNION ALL
       SELECT a.id, a.parent_id, a.status, up.hops + 1
       FROM up JOIN comments a ON a.id = up.parent_id
       WHERE up.hops < ${MAX_HOPS}
     )
     SELECT COUNT(*) AS n FROM up WHERE status <> 'APPROVED'`,
    p.values,
  )) as { n: number | string }[];
  return Number(rows[0]?.n ?? 0) === 0;
}

/** Counts a comment just inserted in this unit of work (one that is not approved counts nowhere). */
export async function countInserted(
  em: EntityManager,
  comment: { postId: number; parentId: number | null; status: CommentStatus },
): Promise<void> {
  if (comment.status !== 'APPROVED') return;
  // After the insert: the new row reads nothing, and its foreign-key locks come before the counter's.
  await lockThreads(em, [comment.postId]);
  let reachable = true;
  if (comment.parentId !== null) {
    await addToReplyCounts(em, new Map([[comment.parentId, 1]]));
    reachable = await reachableComment(em, comment.parentId);
  }
  if (reachable) {
    const topLevel = comment.parentId === null ? 1 : 0;
    await addToThreads(em, new Map([[comment.postId, { comments: 1, topLevel }]]));
  }
}

/**
 * Sets the status of these comments and moves the counters with it.
 * Approving a comment adds it and the approved replies below it that it
 * makes reachable; unapproving one takes them away again. Returns them as
 * they were before, read under the threads' lock.
 */
export async function setCommentStatus(
  em: EntityManager,
  ids: readonly number[],
  status: CommentStatus,
): Promise<{ id: number; postId: number; status: CommentStatus }[]> {
  if (ids.length === 0) return [];
  const kind = dbKindOf(em);
  const byId = () => new SqlParams(kind);
  if (kind === 'postgres') {
    // A comment's post never changes: it may be read before the lock.
    const p = byId();
    const posts = (await em.query(
      `SELECT DISTINCT post_id FROM comments WHERE id IN (${p.list(ids)})`,
      p.values,
    )) as { post_id: number }[];
    await lockThreads(
      em,
      posts.map((r) => Number(r.post_id)),
    );
  }
  // Read under the lock: no other unit of work changes these threads until this one ends.
  const p = byId();
  const rows = (
    (await em.query(
      `SELECT id, post_id, parent_id, status FROM comments WHERE id IN (${p.list(ids)})`,
      p.values,
    )) as { id: number; post_id: number; parent_id: number | null; status: CommentStatus }[]
  ).map((r) => ({
    id: Number(r.id),
    postId: Number(r.post_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    status: r.status,
  }));

  const approving = status === 'APPROVED';
  // Only a change between approved and not moves a counter (PENDING → SPAM moves none).
  const changing = rows.filter((r) => (r.status === 'APPROVED') !== approving);
  const update = byId();
  const setStatus = () =>
    em.query(
      `UPDATE comments SET status = ${update.add(status)} WHERE id IN (${update.list(ids)})`,
      update.values,
    );
  if (changing.length === 0) {
    await setStatus();
    return rows;
  }

  // The topmost of the changing comments (none of its ancestors changes too) decide
  // the post's count: below one that its ancestors make reachable, the approved
  // subtree comes (approving) or goes (unapproving) with it.
  const changingIds = new Set(changing.map((r) => r.id));
  const ancestors = await ancestorsOf(em, [...changingIds]);
  const anchored = changing
    .filter((r) => {
      const up = ancestors.get(r.id) ?? [];
      return !up.some((a) => changingIds.has(a.id)) && up.every((a) => a.status === 'APPROVED');
    })
    .map((r) => r.id);

  const threads = new Map<number, ThreadDelta>();
  const thread = (postId: number) => {
    let d = threads.get(postId);
    if (!d) threads.set(postId, (d = { comments: 0, topLevel: 0 }));
    return d;
  };
  if (!approving) {
    for (const [postId, n] of await approvedSubtrees(em, anchored)) thread(postId).comments -= n;
  }
  await setStatus();
  if (approving) {
    for (const [postId, n] of await approvedSubtrees(em, anchored)) thread(postId).comments += n;
  }

  const sign = approving ? 1 : -1;
  const replies = new Map<number, number>();
  for (const r of changing) {
    if (r.parentId === null) thread(r.postId).topLevel += sign;
    else replies.set(r.parentId, (replies.get(r.parentId) ?? 0) + sign);
  }
  await addToReplyCounts(em, replies);
  await addToThreads(em, threads);
  return rows;
}

/**
 * Counts these posts' threads anew, from their rows: for a change of a
 * thread's shape (an erasure takes comments out and moves others' replies
 * up), where working out the increments would be a second copy of the tree
 * walk, and for comments stored uncounted (insertUncountedCommentRow, a
 * bulk import). The one place counters are written from a count, not moved
 * by one, so the caller must hold the threads' lock (lockThreads) from
 * before it changed the rows: then no other unit of work moves them
 * meanwhile (it is taken here too, for callers whose posts no one else can
 * reach yet). It reads each post's whole thread: for rare work (an erasure,
 * an import), not for requests.
 */
export async function recountThreads(em: EntityManager, postIds: readonly number[]): Promise<void> {
  const ids = [...new Set(postIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  const kind = dbKindOf(em);
  await lockThreads(em, ids);
  const replies = new SqlParams(kind);
  await em.query(
    `UPDATE comments SET reply_count = (
       SELECT COUNT(*) FROM comments r WHERE r.parent_id = comments.id AND r.status = 'APPROVED')
     WHERE post_id IN (${replies.list(ids)})`,
    replies.values,
  );
  const count = new SqlParams(kind);
  const rows = (await em.query(
    `WITH RECURSIVE reach(id, post_id, parent_id) AS (
       SELECT id, post_id, parent_id FROM comments
        WHERE post_id IN (${count.list(ids)}) AND parent_id IS NULL AND status = 'APPROVED'
       UNION ALL
       -- CROSS JOIN: from reach to the replies, by idx_comments_replies (see approvedSubtrees).
       SELECT c.id, c.post_id, c.parent_id FROM reach CROSS JOIN comments c
        WHERE c.parent_id = reach.id AND c.status = 'APPROVED'
     )
     SELECT post_id, COUNT(*) AS n, SUM(CASE WHEN parent_id IS NULL THEN 1 ELSE 0 END) AS top
       FROM reach GROUP BY post_id`,
    count.values,
  )) as { post_id: number; n: number | string; top: number | string }[];
  const counted = new Map(rows.map((r) => [Number(r.post_id), r]));
  const p = new SqlParams(kind);
  const values = ids
    .map((id) => {
      const r = counted.get(id);
      return `(${p.add(id)}, ${p.int(Number(r?.n ?? 0))}, ${p.int(Number(r?.top ?? 0))})`;
    })
    .join(', ');
  await em.query(
    `INSERT INTO comment_threads (post_id, comment_count, top_level_count) VALUES ${values}
     ON CONFLICT (post_id) DO UPDATE SET
       comment_count = excluded.comment_count, top_level_count = excluded.top_level_count`,
    p.values,
  );
}
