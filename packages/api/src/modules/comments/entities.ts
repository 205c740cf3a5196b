import { EntitySchema } from 'typeorm';
import { ID_COLUMN, timestampType, type DbKind } from '../../db/columns.js';

export type CommentStatus = 'PENDING' | 'APPROVED' | 'SPAM' | 'TRASH';

export interface CommentRow {
  id: number;
  postId: number;
  parentId: number | null;
  depth: number;
  authorName: string;
  authorEmail: string;
  authorUrl: string | null;
  contentText: string;
  contentHtml: string;
  status: CommentStatus;
  /** Why the comment was held or marked as spam; for moderators only. */
  moderationReason: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  /** The signed-in user who wrote it (a reply from the moderation queue); null for visitors. */
  userId: number | null;
  /** Written by the post's own author. */
  byPostAuthor: boolean;
  /**
   * Its approved direct replies, kept exact by counters.ts in the unit of
   * work of every change: a page of replies knows its totalCount and
   * hasNextPage without counting them.
   */
  replyCount: number;
}

/**
 * A post's thread counters (table comment_threads), kept exact by
 * counters.ts: the approved comments readers can reach (the comment and
 * all its ancestors approved: Post.commentCount) and the approved top-level
 * ones (Post.comments.totalCount). No row: no approved comments.
 */
export interface CommentThreadRow {
  postId: number;
  commentCount: number;
  topLevelCount: number;
}

/** The comments table and the per-post thread counters. */
export function commentEntities(kind: DbKind) {
  const ts = timestampType(kind);
  const id = ID_COLUMN;

  const Comment = new EntitySchema<CommentRow>({
    name: 'Comment',
    tableName: 'comments',
    columns: {
      id,
      postId: { type: 'integer', name: 'post_id' },
      parentId: { type: 'integer', name: 'parent_id', nullable: true },
      depth: { type: 'integer' },
      authorName: { type: 'varchar', length: 245, name: 'author_name' },
      authorEmail: { type: 'varchar', length: 100, name: 'author_email' },
      authorUrl: { type: 'varchar', length: 200, name: 'author_url', nullable: true },
      contentText: { type: 'text', name: 'content_text' },
      contentHtml: { type: 'text', name: 'content_html' },
      status: { type: 'varchar', length: 16 },
      moderationReason: { type: 'text', name: 'moderation_reason', nullable: true },
      ip: { type: 'varchar', length: 45, nullable: true },
      userAgent: { type: 'varchar', length: 255, name: 'user_agent', nullable: true },
      createdAt: { type: ts, name: 'created_at' },
      userId: { type: 'integer', name: 'user_id', nullable: true },
      byPostAuthor: { type: 'boolean', name: 'by_post_author', default: false },
      replyCount: { type: 'integer', name: 'reply_count', default: 0 },
    },
  });

  const CommentThread = new EntitySchema<CommentThreadRow>({
    name: 'CommentThread',
    tableName: 'comment_threads',
    columns: {
      postId: { type: 'integer', name: 'post_id', primary: true },
      commentCount: { type: 'integer', name: 'comment_count', default: 0 },
      topLevelCount: { type: 'integer', name: 'top_level_count', default: 0 },
    },
  });

  return [Comment, CommentThread];
}
