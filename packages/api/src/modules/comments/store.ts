import type { EntityManager } from 'typeorm';
import type { CommentRow, CommentStatus } from './entities.js';
import { plainTextToHtml } from '../../lib/html.js';
import type { RequestMeta } from '../../lib/request-meta.js';
import { countInserted } from './counters.js';
import type { CommentNode } from './thread.js';
import type { CommentFields } from './validation.js';

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
 * Stores one comment: the one place comments are written, whoever writes
 * them (a visitor through the pipeline, an editor replying from the queue).
 */
export async function insertComment(em: EntityManager, c: NewComment): Promise<CommentRow> {
  return insertCommentRow(em, {
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
  });
}

/**
 * Stores a comment row as given (fields already checked and rendered) and
 * counts it in its thread's counters (counters.ts), in the caller's unit of
 * work: for insertComment, the seed and test fixtures.
 */
export async function insertCommentRow(
  em: EntityManager,
  row: Omit<CommentRow, 'id' | 'replyCount'>,
): Promise<CommentRow> {
  const repo = em.getRepository<CommentRow>('Comment');
  const saved = await repo.save(repo.create({ ...row, replyCount: 0 }));
  await countInserted(em, saved);
  return saved;
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
