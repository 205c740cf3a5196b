import { tags } from '../../db/changes.js';
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { Database } from '../../db/database.js';
import type { DomainEvent, DomainEvents } from '../../db/domain-events.js';
import type { CommentStatus } from '../comments/entities.js';
import type { PostRow } from '../posts/entities.js';
import { assertCan, assertReach } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import { parseId } from '../../lib/ids.js';
import type { UserError } from '../../lib/user-errors.js';

/** Most ids one bulk moderation takes. */
export const MAX_BULK = 100;

/** Something moderated in bulk: comments or linkbacks (both have a post and a status). */
export interface ModeratedKind {
  entity: 'Comment' | 'Linkback';
  action: 'comment:moderate' | 'linkback:moderate';
  messages: { required: string; tooMany: string; notFound: string };
  /**
   * Moves the rows inside the unit of work, with whatever else must change
   * with them (comments: their thread counters; linkbacks: their counters),
   * and returns them as they were before, read under the lock it takes: what
   * each one moved from (for the domain events). Ids without a row are left out.
   */
  setStatus: (
    em: EntityManager,
    ids: number[],
    status: CommentStatus,
  ) => Promise<readonly { id: number; postId: number; status: CommentStatus }[]>;
}

type Moderated = { id: number; status: CommentStatus };

export type StatusCounts = Record<'pending' | 'approved' | 'spam' | 'trash', number>;

/**
 * A moderation queue's query (alias \`x\`): what the viewer may moderate (an
 * AUTHOR: what is on their own posts), narrowed to one post when asked —
 * FORBIDDEN for a post the viewer may not moderate, rather than an empty list.
 */
export async function queueQuery<T extends Moderated & { postId: number }>(
  db: Database,
  findPost: (id: number) => Promise<PostRow | null>,
  kind: Pick<ModeratedKind, 'entity' | 'action'>,
  viewer: Viewer | null,
  postIdInput: string | null | undefined,
): Promise<{ qb: SelectQueryBuilder<T>; viewer: Viewer }> {
  const { viewer: me, reach } = assertReach(viewer, kind.action);
  const qb = db.read
    .getRepository<T>(kind.entity)
    .createQueryBuilder('x')
    .innerJoin('Post', 'p', 'p.id = x.postId');
  if (postIdInput != null) {
    const postId = parseId(postIdInput);
    const post = postId === null ? null : await findPost(postId);
    if (post) assertCan(me, kind.action, { authorId: post.authorId });
    qb.andWhere('x.postId = :postId', { postId: postId ?? 0 });
  }
  if (reach === 'own') qb.andWhere('p.authorId = :me', { me: me.authorId });
  return { qb, viewer: me };
}

/** How many rows of each status a queue's query matches. */
export async function countByStatus<T extends Moderated>(
  qb: SelectQueryBuilder<T>,
): Promise<StatusCounts> {
  const rows = await qb
    .select('x.status', 'status')
    .addSelect('COUNT(*)', 'count')
    .groupBy('x.status')
    .getRawMany<{ status: CommentStatus; count: string | number }>();
  const counts: StatusCounts = { pending: 0, approved: 0, spam: 0, trash: 0 };
  for (const r of rows) counts[r.status.toLowerCase() as keyof StatusCounts] = Number(r.count);
  return counts;
}

/**
 * Bulk status changes, all or nothing: every id must exist (else a
 * NOT_FOUND UserError) and be the viewer's to moderate (else FORBIDDEN for
 * the whole request); then they all move in one unit of work.
 */
export async function moderateInBulk<T extends Moderated>(
  { db, events }: { db: Database; events: DomainEvents },
  kind: ModeratedKind,
  viewer: Viewer | null,
  idsInput: readonly string[],
  status: CommentStatus,
): Promise<{ items: T[]; errors: UserError[] }> {
  assertReach(viewer, kind.action);
  const fail = (code: string, message: string) => ({
    items: [],
    errors: [{ field: 'ids', code, message }],
  });
  const ids = [...new Set(idsInput.map(parseId))];
  if (ids.length === 0) return fail('REQUIRED', kind.messages.required);
  if (ids.length > MAX_BULK) return fail('TOO_MANY', kind.messages.tooMany);
  const known = ids.filter((id): id is number => id !== null);
  const owners =
    known.length === 0
      ? []
      : await db.read
          .getRepository<Moderated & { postId: number }>(kind.entity)
          .createQueryBuilder('x')
          .innerJoin('Post', 'p', 'p.id = x.postId')
          .select('p.authorId', 'authorId')
          .addSelect('p.id', 'postId')
          .where('x.id IN (:...ids)', { ids: known })
          .getRawMany<{ authorId: number | string; postId: number | string }>();
  if (owners.length !== ids.length) return fail('NOT_FOUND', kind.messages.notFound);
  for (const { authorId } of owners) assertCan(viewer, kind.action, { authorId: Number(authorId) });

  const items = await db.write(async (em) => {
    // What readers see of those posts (their threads, linkbacks and counts).
    db.changed(
      ...new Set(owners.map((o) => tags.post(Number(o.postId)))),
      ...(kind.entity === 'Comment' ? [tags.comments] : []),
    );
    const before = await kind.setStatus(em, known, status);
    await events.emit(...statusEvents(kind.entity, before, status));
    return em
      .getRepository<Moderated>(kind.entity)
      .find({ where: { id: In(known) }, order: { id: 'ASC' } });
  });
  return { items: items as T[], errors: [] };
}

/**
 * The events of moving these rows to `to`: a status change for each one
 * that moves, and an approval for each one that becomes visible.
 */
export function statusEvents(
  entity: ModeratedKind['entity'],
  before: readonly { id: number; postId: number; status: CommentStatus }[],
  to: CommentStatus,
): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const { id, postId, status: from } of before) {
    if (from === to) continue;
    if (entity === 'Comment') {
      events.push({ type: 'comment.status_changed', commentId: id, postId, from, to });
      if (to === 'APPROVED') events.push({ type: 'comment.approved', commentId: id, postId });
    } else {
      events.push({ type: 'linkback.status_changed', linkbackId: id, postId, from, to });
      if (to === 'APPROVED') events.push({ type: 'linkback.approved', linkbackId: id, postId });
    }
  }
  return events;
}
