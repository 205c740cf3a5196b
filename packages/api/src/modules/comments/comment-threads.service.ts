import { In } from 'typeorm';
import type { Database } from '../../db/database.js';
import { dbDate } from '../../db/dates.js';
import { SqlParams } from '../../db/params.js';
import { RawRows } from '../../db/raw-rows.js';
import type { Cursor } from '../../lib/pagination.js';
import type { CommentRow, CommentThreadRow } from './entities.js';
import {
  NO_COMMENTS,
  PUBLIC_COMMENT_COLUMNS,
  type CommentNode,
  type ThreadCounts,
} from './thread.js';

/** One page of a post's thread, with as many levels of replies as the query asked for. */
export interface ThreadPage {
  /** The approved top-level comments of the page, oldest first, and one more when there is a next page. */
  top: CommentNode[];
  /**
   * The first replies of each comment of the page whose level was asked for
   * (the extra top-level comment's are not read), oldest first: as many as
   * that level's page size, or all of them when fewer.
   */
  replies: Map<number, CommentNode[]>;
  counts: ThreadCounts;
}

/**
 * What readers read of comment threads, in SQL, a page at a time: never the
 * whole thread. Top-level comments and replies are keyset pages on
 * (created_at, id) (the indexes idx_comments_top_level and
 * idx_comments_replies), counts come from the thread counters (counters.ts).
 * Only approved comments, and only under approved parents.
 */
export class CommentThreadsService {
  constructor(private readonly deps: { db: Database }) {}

  private get repo() {
    return this.deps.db.read.getRepository<CommentRow>('Comment');
  }

  private nodeRows?: RawRows<CommentNode>;

  /** What a node is read with (db/raw-rows.ts): its public columns, made on the first read. */
  private get nodes(): RawRows<CommentNode> {
    this.nodeRows ??= new RawRows<CommentNode>(this.repo, PUBLIC_COMMENT_COLUMNS);
    return this.nodeRows;
  }

  private keysetAfter(p: SqlParams, alias: string, after: Cursor | null): string {
    if (!after) return '';
    const time = p.add(dbDate(this.deps.db, new Date(after.time)));
    return `AND (${alias}.created_at, ${alias}.id) > (${time}, ${p.add(after.id)})`;
  }

  /**
   * A page of the post's approved top-level comments (`size` of them, one
   * more to tell whether there is a next page) and, for each, its first
   * `levels[0]` approved replies, their first `levels[1]` replies, and so
   * on, with the post's counters: one statement, whatever the depth. A
   * recursive CTE walks the page's tree down the levels; every step reads at
   * most a level's page size of replies per comment from the index, so the
   * rows read are bounded by the page, not by the thread.
   */
  async threadPage(
    postId: number,
    size: number,
    after: Cursor | null,
    levels: readonly number[],
  ): Promise<ThreadPage> {
    const { kind } = this.deps.db;
    const p = new SqlParams(kind);
    const post = p.add(postId);
    // Without statistics SQLite takes idx_comments_post_status_created as readily, which
    // reads the replies in between too; PostgreSQL picks the partial index by itself.
    const topLevelIndex = kind === 'sqlite' ? 'INDEXED BY idx_comments_top_level' : '';
    const top = `
      SELECT id, 0 AS level, CAST(ROW_NUMBER() OVER (ORDER BY created_at, id) AS integer) AS rn,
             reply_count
      FROM (
        SELECT c.id, c.created_at, c.reply_count FROM comments c ${topLevelIndex}
        WHERE c.post_id = ${post} AND c.parent_id IS NULL AND c.status = 'APPROVED'
          ${this.keysetAfter(p, 'c', after)}
        ORDER BY c.created_at, c.id
        LIMIT ${p.int(size + 1)}
      ) AS page`;
    // The extra top-level comment (rn = size + 1) only says there is a next page: not expanded.
    // (Every parameter must appear in the text: PostgreSQL types them from it.)
    const expand = levels.length > 0 ? `t.rn <= ${p.int(size)} AND t.reply_count > 0` : '';
    const steps: string[] = [];
    if (kind === 'postgres') {
      // One recursive step; each level's page size picked by the parent's level.
      if (levels.length > 0) {
        const limit = levels.every((n) => n === levels[0])
          ? p.int(levels[0]!)
          : `CASE t.level ${levels.map((n, i) => `WHEN ${i} THEN ${p.int(n)}`).join(' ')} ELSE 0 END`;
        steps.push(`
          SELECT r.id, t.level + 1, 0, r.reply_count
          FROM tree t CROSS JOIN LATERAL (
            SELECT c.id, c.reply_count FROM comments c
            WHERE c.parent_id = t.id AND c.status = 'APPROVED'
            ORDER BY c.created_at, c.id LIMIT ${limit}
          ) AS r
          WHERE t.level < ${p.int(levels.length)} AND ${expand}`);
      }
    } else {
      // SQLite's LIMIT cannot read the parent's level: one recursive step per run of
      // levels with the same page size (SQLite 3.34+ takes several).
      for (let from = 0; from < levels.length;) {
        let to = from + 1;
        while (to < levels.length && levels[to] === levels[from]) to++;
        steps.push(`
          SELECT c.id, t.level + 1, 0, c.reply_count
          FROM tree t JOIN comments c ON c.id IN (
            SELECT r.id FROM comments r
            WHERE r.parent_id = t.id AND r.status = 'APPROVED'
            ORDER BY r.created_at, r.id LIMIT ${p.int(levels[from]!)}
          )
          WHERE t.level >= ${p.int(from)} AND t.level < ${p.int(to)} AND ${expand}`);
        from = to;
      }
    }
    // (CROSS JOIN: SQLite then reads the tree first and the comments by id, where it
    // would otherwise scan the comments and look each up in the tree.)
    const sql = `
      WITH RECURSIVE tree(id, level, rn, reply_count) AS (
        ${[top, ...steps].join('\n        UNION ALL')}
      )
      SELECT ct.comment_count AS thread_comment_count, ct.top_level_count AS thread_top_level_count,
             n.*
      FROM (SELECT 1 AS one) AS x
      LEFT JOIN comment_threads ct ON ct.post_id = ${post}
      LEFT JOIN (
        SELECT tree.level AS tree_level, tree.rn AS tree_rn, ${this.nodes.select('c')}
        FROM tree CROSS JOIN comments c WHERE c.id = tree.id
      ) AS n ON 1 = 1
      ORDER BY n.tree_level, n.created_at, n.id`;
    const rows = (await this.deps.db.read.query(sql, p.values)) as Record<string, unknown>[];

    const counts: ThreadCounts =
      rows[0]?.thread_comment_count == null
        ? NO_COMMENTS
        : {
            commentCount: Number(rows[0].thread_comment_count),
            topLevelCount: Number(rows[0].thread_top_level_count),
          };
    const page: ThreadPage = { top: [], replies: new Map(), counts };
    const expanded = (node: CommentNode, level: number, rn: number) =>
      level < levels.length && (level > 0 || rn <= size);
    for (const raw of rows) {
      if (raw.id == null) continue; // the row of an empty page: counters only
      const node = this.nodes.hydrate(raw);
      const level = Number(raw.tree_level);
      if (level === 0) page.top.push(node);
      else page.replies.get(node.parentId!)?.push(node);
      // Ordered by level: a comment comes before its replies.
      if (expanded(node, level, Number(raw.tree_rn))) page.replies.set(node.id, []);
    }
    return page;
  }

  /**
   * For each parent, its first `limit` approved replies after the cursor,
   * oldest first: one statement for all of them, reading at most `limit`
   * index entries per parent (a lateral LIMIT, where a window over each
   * parent's replies would read them all).
   */
  async replyPages(
    parentIds: readonly number[],
    limit: number,
    after: Cursor | null,
  ): Promise<Map<number, CommentNode[]>> {
    const result = new Map<number, CommentNode[]>(parentIds.map((id) => [id, []]));
    if (parentIds.length === 0) return result;
    const { kind } = this.deps.db;
    const p = new SqlParams(kind);
    const parents = p.list(parentIds);
    const cursor = this.keysetAfter(p, 'r', after);
    const sql =
      kind === 'postgres'
        ? `SELECT ${this.nodes.select('c')} FROM comments p CROSS JOIN LATERAL (
             SELECT * FROM comments r
             WHERE r.parent_id = p.id AND r.status = 'APPROVED' ${cursor}
             ORDER BY r.created_at, r.id LIMIT ${p.int(limit)}
           ) AS c
           WHERE p.id IN (${parents})
           ORDER BY c.parent_id, c.created_at, c.id`
        : `SELECT ${this.nodes.select('c')} FROM comments p JOIN comments c ON c.id IN (
             SELECT r.id FROM comments r
             WHERE r.parent_id = p.id AND r.status = 'APPROVED' ${cursor}
             ORDER BY r.created_at, r.id LIMIT ${p.int(limit)}
           )
           WHERE p.id IN (${parents})
           ORDER BY c.parent_id, c.created_at, c.id`;
    const rows = (await this.deps.db.read.query(sql, p.values)) as Record<string, unknown>[];
    for (const raw of rows) {
      const node = this.nodes.hydrate(raw);
      result.get(node.parentId!)?.push(node);
    }
    return result;
  }

  /** Approved comments by id, in one statement. */
  async approvedByIds(ids: readonly number[]): Promise<Map<number, CommentNode>> {
    const rows = (await this.repo.find({
      select: [...PUBLIC_COMMENT_COLUMNS],
      where: { id: In([...ids]), status: 'APPROVED' },
    })) as CommentNode[];
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The thread counters of each post, in one statement (a post without comments has no row). */
  async countsByPostIds(postIds: readonly number[]): Promise<Map<number, ThreadCounts>> {
    const rows = await this.deps.db.read
      .getRepository<CommentThreadRow>('CommentThread')
      .findBy({ postId: In([...postIds]) });
    return new Map(
      rows.map((r) => [r.postId, { commentCount: r.commentCount, topLevelCount: r.topLevelCount }]),
    );
  }
}
