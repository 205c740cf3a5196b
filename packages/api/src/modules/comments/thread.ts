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

/**
 * A post's approved comments, loaded in one statement, indexed for the
 * resolvers. Comments whose parent is not approved are unreachable and are
 * neither listed nor counted.
 */
export class Thread {
  readonly byId = new Map<number, CommentNode>();
  private readonly children = new Map<number | null, CommentNode[]>();
  readonly count: number;

  constructor(comments: CommentNode[]) {
    // Input is ordered by (createdAt, id); lists keep that order.
    for (const c of comments) this.byId.set(c.id, c);
    for (const c of comments) {
      if (c.parentId !== null && !this.byId.has(c.parentId)) continue;
      const list = this.children.get(c.parentId) ?? [];
      list.push(c);
      this.children.set(c.parentId, list);
    }
    let count = 0;
    const stack = [...(this.children.get(null) ?? [])];
    while (stack.length) {
      const c = stack.pop()!;
      count++;
      stack.push(...(this.children.get(c.id) ?? []));
    }
    this.count = count;
  }

  topLevel(): CommentNode[] {
    return this.children.get(null) ?? [];
  }

  repliesTo(id: number): CommentNode[] {
    return this.children.get(id) ?? [];
  }
}

export const commentCursorKey = (c: CommentNode) => ({ time: c.createdAt.getTime(), id: c.id });
