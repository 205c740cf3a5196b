import type { CommentRow } from './entities.js';

/** The public face of a comment: never carries the email, IP or user agent. */
export type CommentNode = Pick<
  CommentRow,
  | 'id'
  | 'postId'
  | 'parentId'
  | 'depth'
  | 'authorName'
  | 'authorUrl'
  | 'contentHtml'
  | 'createdAt'
  | 'status'
  | 'byPostAuthor'
  | 'replyCount'
>;

export const PUBLIC_COMMENT_COLUMNS = [
  'id',
  'postId',
  'parentId',
  'depth',
  'authorName',
  'authorUrl',
  'contentHtml',
  'createdAt',
  'status',
  'byPostAuthor',
  'replyCount',
] as const satisfies readonly (keyof CommentRow)[];

/** A post's thread counters (comment_threads; see counters.ts). */
export interface ThreadCounts {
  /** Approved comments readers can reach: Post.commentCount. */
  commentCount: number;
  /** Approved top-level comments: Post.comments.totalCount. */
  topLevelCount: number;
}

export const NO_COMMENTS: ThreadCounts = { commentCount: 0, topLevelCount: 0 };

export const commentCursorKey = (c: CommentNode) => ({ time: c.createdAt.getTime(), id: c.id });
