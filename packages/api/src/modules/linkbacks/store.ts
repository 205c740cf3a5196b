import { In, type EntityManager } from 'typeorm';
import type { LinkbackRow, LinkbackStatus } from './entities.js';

/**
 * The one place linkbacks are written (received, moderated, removed,
 * seeded), so that each post's counter of approved linkbacks
 * (linkback_counters) changes in the same unit of work as the rows it
 * counts. Every function takes the unit of work's manager.
 */

/** A linkback about to be stored; the columns left out take their defaults. */
export type NewLinkback = Pick<
  LinkbackRow,
  'postId' | 'kind' | 'sourceUrl' | 'status' | 'createdAt'
> &
  Partial<Omit<LinkbackRow, 'id'>>;

const counts = (status: LinkbackStatus) => status === 'APPROVED';

/** Stores one linkback and counts it when it is approved. Throws on a duplicate (post, source). */
export async function insertLinkback(em: EntityManager, fields: NewLinkback): Promise<LinkbackRow> {
  const repo = em.getRepository<LinkbackRow>('Linkback');
  const row = await repo.save(repo.create(fields));
  if (counts(row.status)) await addToApproved(em, new Map([[row.postId, 1]]));
  return row;
}

/**
 * The rows of `ids` as they are now, locked until the unit of work ends, so
 * that what they are changed from (and so the counters' change) is not
 * changed by another writer meanwhile. SQLite has one writer at a time.
 */
async function lockRows(em: EntityManager, ids: readonly number[]): Promise<LinkbackRow[]> {
  const qb = em
    .getRepository<LinkbackRow>('Linkback')
    .createQueryBuilder('l')
    .where('l.id IN (:...ids)', { ids: [...ids] })
    .orderBy('l.id', 'ASC');
  if (em.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
  return qb.getMany();
}

/**
 * Moves linkbacks to `status` and the counters of their posts with them.
 * Returns them as they now are, by id, each with the status it moved
 * `from`; ids without a row are left out.
 */
export async function setLinkbackStatus(
  em: EntityManager,
  ids: readonly number[],
  status: LinkbackStatus,
): Promise<(LinkbackRow & { from: LinkbackStatus })[]> {
  if (ids.length === 0) return [];
  const rows = await lockRows(em, ids);
  if (rows.length === 0) return [];
  await em
    .getRepository<LinkbackRow>('Linkback')
    .update({ id: In(rows.map((r) => r.id)) }, { status });
  const deltas = new Map<number, number>();
  for (const row of rows) {
    const change = Number(counts(status)) - Number(counts(row.status));
    if (change) deltas.set(row.postId, (deltas.get(row.postId) ?? 0) + change);
  }
  await addToApproved(em, deltas);
  return rows.map((row) => ({ ...row, status, from: row.status }));
}

/** Deletes a linkback, uncounting it when it was approved; false when there was none. */
export async function deleteLinkback(em: EntityManager, id: number): Promise<boolean> {
  const [row] = await lockRows(em, [id]);
  if (!row) return false;
  await em.getRepository<LinkbackRow>('Linkback').delete({ id });
  if (counts(row.status)) await addToApproved(em, new Map([[row.postId, -1]]));
  return true;
}

/** Adds each post's change to its counter, making the row when the post has none yet. */
async function addToApproved(
  em: EntityManager,
  deltas: ReadonlyMap<number, number>,
): Promise<void> {
  // In post order, so that two units of work lock the counters they share in the same order.
  const changes = [...deltas].filter(([, d]) => d !== 0).sort(([a], [b]) => a - b);
  if (changes.length === 0) return;
  const parameters: Record<string, number> = {};
  const values = changes.map(([postId, delta], i) => {
    parameters[`post${i}`] = postId;
    parameters[`delta${i}`] = delta;
    return `(:post${i}, :delta${i})`;
  });
  // ON CONFLICT … DO UPDATE: the same upsert on SQLite (3.24+) and PostgreSQL, one statement.
  const [sql, bound] = em.connection.driver.escapeQueryWithParameters(
    `INSERT INTO linkback_counters (post_id, approved) VALUES ${values.join(', ')}
     ON CONFLICT (post_id) DO UPDATE SET approved = linkback_counters.approved + excluded.approved`,
    parameters,
    {},
  );
  await em.query(sql, bound);
}

/**
 * Sets the counters of `postIds` from their rows: for linkbacks written with
 * SQL of its own (a bulk import, a test's fixture), which bypasses the
 * functions above. Readers never need it.
 */
export async function recountApproved(
  em: EntityManager,
  postIds: readonly number[],
): Promise<void> {
  if (postIds.length === 0) return;
  await em.getRepository('LinkbackCounter').delete({ postId: In([...postIds]) });
  const [sql, bound] = em.connection.driver.escapeQueryWithParameters(
    `INSERT INTO linkback_counters (post_id, approved)
     SELECT post_id, COUNT(*) FROM linkbacks
     WHERE status = 'APPROVED' AND post_id IN (:...postIds) GROUP BY post_id`,
    { postIds: [...postIds] },
    {},
  );
  await em.query(sql, bound);
}
