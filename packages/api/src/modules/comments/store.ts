import type { EntityManager } from 'typeorm';
import { dbDate } from '../../db/dates.js';
import type { DomainEvent } from '../../db/domain-events.js';
import { SqlParams } from '../../db/params.js';
import type { CommentRow, CommentStatus } from './entities.js';
import { plainTextToHtml } from '../../lib/html.js';
import type { RequestMeta } from '../../lib/request-meta.js';
import { countInserted, dbKindOf } from './counters.js';
import type { CommentNode } from './thread.js';
import type { CommentFields } from './validation.js';

/** The status a comment is stored with, and why (for the moderator; null when approved). */
export interface Verdict {
  status: CommentStatus;
  moderationReason: string | null;
}

/** A comment about to be stored, its fields already validated. */
export interface NewComment {
  postId: number;
  parentId: number | null;
  depth: number;
  fields: CommentFields;
  status: CommentStatus;
  /** Why it was held or marked as spam, for the moderator. */
  moderationReason: string | null;
  meta: RequestMeta;
  userId: number | null;
  byPostAuthor: boolean;
  createdAt?: Date;
}

/**
 * The row of a new comment, rendered and ready to store: pure work, done
 * before the unit of work so that the writer waits for none of it.
 */
export function newCommentRow(c: NewComment): Omit<CommentRow, 'id' | 'replyCount'> {
  return {
    postId: c.postId,
    parentId: c.parentId,
    depth: c.depth,
    authorName: c.fields.authorName,
    authorEmail: c.fields.authorEmail,
    authorUrl: c.fields.authorUrl,
    contentText: c.fields.content,
    contentHtml: plainTextToHtml(c.fields.content),
    status: c.status,
    moderationReason: c.moderationReason,
    ip: c.meta.ip,
    userAgent: c.meta.userAgent?.slice(0, 255) ?? null,
    createdAt: c.createdAt ?? new Date(),
    userId: c.userId,
    byPostAuthor: c.byPostAuthor,
  };
}

/**
 * Stores one comment: the one place comments are written, whoever writes
 * them (a visitor through the pipeline, an editor replying from the queue).
 */
export async function insertComment(em: EntityManager, c: NewComment): Promise<CommentRow> {
  return insertCommentRow(em, newCommentRow(c));
}

/** The columns insertCommentRow writes, in the order of its values. */
const COLUMNS: readonly (keyof Omit<CommentRow, 'id' | 'replyCount'>)[] = [
  'postId',
  'parentId',
  'depth',
  'authorName',
  'authorEmail',
  'authorUrl',
  'contentText',
  'contentHtml',
  'status',
  'moderationReason',
  'ip',
  'userAgent',
  'createdAt',
  'userId',
  'byPostAuthor',
];
/** COLUMNS by their names in the table, from the entity (made once per connection). */
const columnLists = new WeakMap<object, string>();
function columnList(em: EntityManager): string {
  let list = columnLists.get(em.connection);
  if (list === undefined) {
    const metadata = em.connection.getMetadata('Comment');
    list = COLUMNS.map((c) => metadata.findColumnWithPropertyName(c)!.databaseName).join(', ');
    columnLists.set(em.connection, list);
  }
  return list;
}

/**
 * Stores a comment row as given (fields already checked and rendered) and
 * counts it in its thread's counters (counters.ts), in the caller's unit of
 * work: for insertComment, the pipeline, the seed and test fixtures.
 *
 * `ifApprovedBefore`: the verdict to store instead when the author (by
 * email) already has an approved comment. The INSERT decides it itself, so
 * that it sees exactly what the unit of work sees, and the writer spends no
 * statement of its own on asking. One statement, whose RETURNING says which
 * verdict was stored (WITH first: TypeORM's SQLite driver returns rows for
 * it, where a statement starting with INSERT returns only the new id).
 */
export async function insertCommentRow(
  em: EntityManager,
  row: Omit<CommentRow, 'id' | 'replyCount'>,
  ifApprovedBefore?: Verdict,
): Promise<CommentRow> {
  const kind = dbKindOf(em);
  const p = new SqlParams(kind);
  const value = (column: (typeof COLUMNS)[number]): string => {
    const v = row[column];
    if (column === 'createdAt') return p.add(dbDate({ kind }, v as Date));
    if (column === 'byPostAuthor') return p.add(kind === 'sqlite' ? (v ? 1 : 0) : v);
    if (ifApprovedBefore && (column === 'status' || column === 'moderationReason')) {
      return `CASE WHEN sender.approved_before THEN ${p.add(ifApprovedBefore[column])} ELSE ${p.add(v)} END`;
    }
    return p.add(v);
  };
  const values = COLUMNS.map(value).join(', ');
  const approvedBefore = ifApprovedBefore
    ? `EXISTS (SELECT 1 FROM comments WHERE author_email = ${p.add(row.authorEmail)} AND status = 'APPROVED')`
    : 'NULL';
  const [stored] = (await em.query(
    `WITH sender(approved_before) AS (SELECT ${approvedBefore})
     INSERT INTO comments (${columnList(em)}) SELECT ${values} FROM sender
     RETURNING id, status, moderation_reason`,
    p.values,
  )) as { id: number; status: CommentStatus; moderation_reason: string | null }[];
  if (!stored) throw new Error('INSERT into comments returned no row');
  const saved: CommentRow = {
    ...row,
    id: Number(stored.id),
    status: stored.status,
    moderationReason: stored.moderation_reason,
    replyCount: 0,
  };
  await countInserted(em, saved);
  return saved;
}

/** The events of storing a comment: created, and approved when it is shown at once. */
export function createdEvents(row: CommentRow): DomainEvent[] {
  const ids = { commentId: row.id, postId: row.postId };
  return [
    { type: 'comment.created', ...ids, status: row.status },
    ...(row.status === 'APPROVED' ? [{ type: 'comment.approved' as const, ...ids }] : []),
  ];
}

/**
 * Stores a comment row as given without counting it: for a bulk import,
 * which calls recountThreads (counters.ts) for its posts before its unit of
 * work ends. One statement a comment, where counting each costs up to four.
 */
export async function insertUncountedCommentRow(
  em: EntityManager,
  row: Omit<CommentRow, 'id' | 'replyCount'>,
): Promise<number> {
  const kind = dbKindOf(em);
  const p = new SqlParams(kind);
  const values = COLUMNS.map((column) => {
    const v = row[column];
    if (column === 'createdAt') return p.add(dbDate({ kind }, v as Date));
    if (column === 'byPostAuthor') return p.add(kind === 'sqlite' ? (v ? 1 : 0) : v);
    return p.add(v);
  }).join(', ');
  // WITH first, as in insertCommentRow: so TypeORM's SQLite driver returns the row.
  const [stored] = (await em.query(
    `WITH one(n) AS (SELECT 1)
     INSERT INTO comments (${columnList(em)}) SELECT ${values} FROM one RETURNING id`,
    p.values,
  )) as { id: number }[];
  if (!stored) throw new Error('INSERT into comments returned no row');
  return Number(stored.id);
}

/** The public view of a stored comment. */
export function toCommentNode(row: CommentRow): CommentNode {
  return {
    id: row.id,
    postId: row.postId,
    parentId: row.parentId,
    depth: row.depth,
    authorName: row.authorName,
    authorUrl: row.authorUrl,
    contentHtml: row.contentHtml,
    createdAt: row.createdAt,
    status: row.status,
    byPostAuthor: row.byPostAuthor,
    replyCount: row.replyCount,
  };
}
