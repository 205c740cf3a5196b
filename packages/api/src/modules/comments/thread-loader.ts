import DataLoader from 'dataloader';
import { fromMap } from '../../lib/loaders.js';
import {
  decodeCursor,
  encodeCursor,
  pageSize,
  type Cursor,
  type Page,
  type PageArgs,
} from '../../lib/pagination.js';
import type { CommentThreadsService, ThreadPage } from './comment-threads.service.js';
import { commentCursorKey, NO_COMMENTS, type CommentNode, type ThreadCounts } from './thread.js';

interface ReplyPageKey {
  parentId: number;
  limit: number;
  after: Cursor | null;
}

const pageOf = (
  nodes: CommentNode[],
  hasNextPage: boolean,
  totalCount: number,
): Page<CommentNode> => {
  const edges = nodes.map((node) => ({ cursor: encodeCursor(commentCursorKey(node)), node }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
};

/**
 * The reader's comment threads for one request (made anew for each).
 *
 * A post page's thread is one statement: Post.comments reads the page of
 * top-level comments with every level of replies the query asks for
 * (look-ahead.ts) and the post's counters; the replies of each comment it
 * read wait here for the Comment.replies resolvers, and Post.commentCount
 * takes the counters from the same statement. Anything else is batched:
 * replies not read ahead (a later page, a comment reached another way) one
 * statement per level for all parents, parents by id, and the counters of a
 * list of posts in one statement.
 */
export class ThreadLoader {
  /** Thread pages being read, by post: their counters serve Post.commentCount. */
  private readonly pages = new Map<number, Promise<ThreadPage>>();
  /** Each comment's first replies, as a thread page read them (a prefix of its replies). */
  private readonly readAhead = new Map<number, CommentNode[]>();

  private readonly counts = new DataLoader<number, ThreadCounts>(async (postIds) => {
    const known = new Map<number, ThreadCounts>();
    const rest: number[] = [];
    await Promise.all(
      postIds.map(async (id) => {
        const page = this.pages.get(id);
        if (page) known.set(id, (await page).counts);
        else rest.push(id);
      }),
    );
    const read = rest.length > 0 ? await this.threads.countsByPostIds(rest) : new Map();
    return postIds.map((id) => known.get(id) ?? read.get(id) ?? NO_COMMENTS);
  });

  private readonly approved = new DataLoader<number, CommentNode | null>(
    fromMap(
      (ids) => this.threads.approvedByIds(ids),
      () => null,
    ),
  );

  /** Pages of replies, batched by page size and cursor: one statement per level. */
  private readonly replyPages = new DataLoader<ReplyPageKey, CommentNode[], string>(
    async (keys) => {
      const groups = new Map<string, { key: ReplyPageKey; parents: number[] }>();
      for (const key of keys) {
        const id = `${key.limit}|${key.after ? encodeCursor(key.after) : ''}`;
        const group = groups.get(id) ?? { key, parents: [] };
        group.parents.push(key.parentId);
        groups.set(id, group);
      }
      const pages = new Map<string, Map<number, CommentNode[]>>();
      await Promise.all(
        [...groups].map(async ([id, { key, parents }]) => {
          pages.set(id, await this.threads.replyPages(parents, key.limit, key.after));
        }),
      );
      return keys.map(
        (key) =>
          pages
            .get(`${key.limit}|${key.after ? encodeCursor(key.after) : ''}`)
            ?.get(key.parentId) ?? [],
      );
    },
    {
      cacheKeyFn: (key) =>
        `${key.parentId}|${key.limit}|${key.after ? encodeCursor(key.after) : ''}`,
    },
  );

  constructor(private readonly threads: CommentThreadsService) {}

  /** Post.commentCount. */
  async commentCount(postId: number): Promise<number> {
    return (await this.counts.load(postId)).commentCount;
  }

  /**
   * Post.comments: a page of approved top-level comments, oldest first,
   * with `levels` of replies read ahead (see replyPageSizes). Bad arguments
   * are refused before anything is read.
   */
  topLevel(postId: number, args: PageArgs, levels: readonly number[]): Promise<Page<CommentNode>> {
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after) : null;
    const read = this.threads.threadPage(postId, size, after, levels);
    // Registered before this resolver yields, so the counters' batch (dispatched
    // after the sibling resolvers have started) finds it.
    this.pages.set(postId, read);
    return read.then((page) => {
      for (const [parentId, replies] of page.replies) {
        this.readAhead.set(parentId, replies);
        for (const reply of replies) this.approved.prime(reply.id, reply);
      }
      for (const node of page.top) this.approved.prime(node.id, node);
      const nodes = page.top.slice(0, size);
      return pageOf(nodes, page.top.length > size, page.counts.topLevelCount);
    });
  }

  /**
   * Comment.replies: approved replies, oldest first. A comment that is not
   * approved has none a reader may see.
   */
  async replies(comment: CommentNode, args: PageArgs): Promise<Page<CommentNode>> {
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after) : null;
    const total = comment.replyCount;
    if (comment.status !== 'APPROVED' || total === 0) return pageOf([], false, 0);
    if (!after) {
      const ahead = this.readAhead.get(comment.id);
      // Read ahead as far as this page goes (or all of them): nothing to read.
      if (ahead && ahead.length >= Math.min(size, total))
        return pageOf(ahead.slice(0, size), size < total, total);
      const nodes = await this.replyPages.load({ parentId: comment.id, limit: size, after });
      return pageOf(nodes, size < total, total);
    }
    // After a cursor the counter does not say what is left: one more row does.
    const nodes = await this.replyPages.load({ parentId: comment.id, limit: size + 1, after });
    return pageOf(nodes.slice(0, size), nodes.length > size, total);
  }

  /** Comment.parent: an approved comment, or null. */
  parent(comment: CommentNode): Promise<CommentNode | null> {
    return comment.parentId === null ? Promise.resolve(null) : this.approved.load(comment.parentId);
  }
}
