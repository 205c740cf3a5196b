import type { Database } from '../../db/database.js';
import { In, type SelectQueryBuilder } from 'typeorm';
import type { Config } from '../../config.js';
import { dbDate } from '../../db/dates.js';
import type { AuthorRow, PostRow, PostTagRow, TagRow } from './entities.js';
import {
  decodeCursor,
  pageOfRows,
  pageSize,
  type Page,
  type PageArgs,
} from '../../lib/pagination.js';
import { visibleCondition, visibleSql } from './visibility.js';
import { SqlParams } from '../../db/params.js';
import { RawRows } from '../../db/raw-rows.js';

export interface PostListArgs extends PageArgs {
  tag?: string | null;
}

/** The columns of a post that a comment submission checks. */
export type CommentablePost = Pick<PostRow, 'id' | 'commentsOpen' | 'publishedAt'>;

/** A post read with its author and its tags, in the same statement. */
export interface PostWithAuthor {
  post: PostRow;
  author: AuthorRow;
  /** By name, as tagsByPostIds orders them. */
  tags: TagRow[];
}

/** The tags column of a post read (see PostsService.tagsColumn): parsed JSON on PostgreSQL, text on SQLite. */
function tagsOf(value: unknown): TagRow[] {
  const list = (typeof value === 'string' ? JSON.parse(value) : value) as [
    unknown,
    string,
    string,
  ][];
  return list.map(([id, name, slug]) => ({ id: Number(id), name, slug }));
}

/** A statement's post and author columns under prefixes, so that their names cannot clash. */
const POST = 'p_';
const AUTHOR = 'a_';

export class PostsService {
  constructor(private readonly deps: { db: Database; config: Config }) {}

  private get db() {
    return this.deps.db;
  }

  private rawColumns?: { post: RawRows<PostRow>; author: RawRows<AuthorRow> };

  /** Posts and their authors for hand-written SQL: made once, on the first read. */
  private get raw() {
    this.rawColumns ??= {
      post: new RawRows<PostRow>(this.db.read.getRepository<PostRow>('Post')),
      author: new RawRows<AuthorRow>(this.db.read.getRepository<AuthorRow>('Author')),
    };
    return this.rawColumns;
  }

  /**
   * Visible posts joined to their authors, as hand-written SQL (db/raw-rows.ts:
   * the reader's hottest read), with `where` and `order` added; the rows
   * split into post and author.
   */
  private async visibleWithAuthor(
    build: (p: SqlParams) => { where?: string; order?: string; limit: number },
  ): Promise<PostWithAuthor[]> {
    const { post, author } = this.raw;
    const p = new SqlParams(this.db.kind);
    const visible = visibleSql('p', p, this.db);
    const { where, order, limit } = build(p);
    const sql = `SELECT ${post.select('p', POST)}, ${author.select('a', AUTHOR)},
        ${this.tagsColumn()} AS tags_json
      FROM posts p INNER JOIN authors a ON a.id = p.author_id
      WHERE ${visible}${where ? ` AND ${where}` : ''}
      ${order ? `ORDER BY ${order}` : ''} LIMIT ${p.int(limit)}`;
    const rows = await this.db.read.query<Record<string, unknown>[]>(sql, p.values);
    return rows.map((r) => ({
      post: post.hydrate(r, POST),
      author: author.hydrate(r, AUTHOR),
      tags: tagsOf(r.tags_json),
    }));
  }

  /**
   * The tags of the post under `p` as one JSON value, `[[id, name, slug], …]`
   * by name (PostgreSQL's json_agg, SQLite's json_group_array; both order
   * inside the aggregate): a post's tags come with it, not in a statement of
   * their own.
   */
  private tagsColumn(): string {
    const from = 'FROM post_tags pt INNER JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id';
    return this.db.kind === 'postgres'
      ? `(SELECT COALESCE(json_agg(json_build_array(t.id, t.name, t.slug) ORDER BY t.name), '[]'::json) ${from})`
      : `(SELECT json_group_array(json_array(t.id, t.name, t.slug) ORDER BY t.name) ${from})`;
  }

  /** Posts a reader may see (the rule in ./visibility.ts). */
  private visible(alias = 'p'): SelectQueryBuilder<PostRow> {
    const visible = visibleCondition(alias, this.db);
    return this.db.read
      .getRepository<PostRow>('Post')
      .createQueryBuilder(alias)
      .where(visible.where, visible.parameters);
  }

  findPublishedBySlug(slug: string): Promise<PostRow | null> {
    return this.visible().andWhere('p.slug = :slug', { slug }).getOne();
  }

  /** A published post and its author, in one statement (the post page). */
  async findPublishedBySlugWithAuthor(slug: string): Promise<PostWithAuthor | null> {
    const [found] = await this.visibleWithAuthor((p) => ({
      where: `p.slug = ${p.add(slug)}`,
      limit: 1,
    }));
    return found ?? null;
  }

  /**
   * What a new comment needs of its post, if readers can see it: whether it
   * takes comments, and since when it is published. Not its content, which
   * every submission would otherwise read for nothing.
   */
  async findPublishedForComment(id: number): Promise<CommentablePost | null> {
    this.commentable ??= new RawRows<CommentablePost>(this.db.read.getRepository<PostRow>('Post'), [
      'id',
      'commentsOpen',
      'publishedAt',
    ]);
    const p = new SqlParams(this.db.kind);
    const [row] = await this.db.read.query<Record<string, unknown>[]>(
      `SELECT ${this.commentable.select('p')} FROM posts p
       WHERE ${visibleSql('p', p, this.db)} AND p.id = ${p.add(id)}`,
      p.values,
    );
    return row ? this.commentable.hydrate(row) : null;
  }

  private commentable?: RawRows<CommentablePost>;

  findPublishedById(id: number): Promise<PostRow | null> {
    return this.visible().andWhere('p.id = :id', { id }).getOne();
  }

  /**
   * The next post to appear to readers by itself: published, with a
   * publication time still to come (the earliest), or null.
   */
  async nextScheduled(
    now = new Date(),
  ): Promise<Pick<PostRow, 'id' | 'slug' | 'publishedAt'> | null> {
    const row = await this.db.read
      .getRepository<PostRow>('Post')
      .createQueryBuilder('p')
      .select(['p.id', 'p.slug', 'p.publishedAt'])
      .where('p.status = :published AND p.publishedAt > :now', {
        published: 'PUBLISHED',
        now: dbDate(this.db, now),
      })
      .orderBy('p.publishedAt', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .getOne();
    return row ?? null;
  }

  /** A post whatever its status: for editors' paths, which check rights themselves. */
  findAnyById(id: number): Promise<PostRow | null> {
    return this.db.read.getRepository<PostRow>('Post').findOneBy({ id });
  }

  /** Posts whatever their status, by id (for the editors' per-request loader). */
  async byIds(ids: readonly number[]): Promise<Map<number, PostRow>> {
    const rows = await this.db.read.getRepository<PostRow>('Post').findBy({ id: In([...ids]) });
    return new Map(rows.map((p) => [p.id, p]));
  }

  /**
   * Published posts, newest first, keyset-paginated on (publishedAt, id),
   * and their authors, in one statement.
   */
  async listPublished(
    args: PostListArgs,
  ): Promise<{ page: Page<PostRow>; authors: AuthorRow[]; tags: Map<number, TagRow[]> }> {
    const size = pageSize(args.first);
    const rows = await this.visibleWithAuthor((p) => {
      const where: string[] = [];
      if (args.after) {
        const after = decodeCursor(args.after);
        const at = p.add(dbDate(this.db, new Date(after.time)));
        where.push(
          `(p.published_at < ${at} OR (p.published_at = ${at} AND p.id < ${p.add(after.id)}))`,
        );
      }
      if (args.tag) {
        where.push(
          `EXISTS (SELECT 1 FROM post_tags pt INNER JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id AND t.slug = ${p.add(args.tag)})`,
        );
      }
      // One author per post: LIMIT counts posts.
      return {
        where: where.join(' AND '),
        order: 'p.published_at DESC, p.id DESC',
        limit: size + 1,
      };
    });
    const page = pageOfRows(
      rows.map((r) => r.post),
      size,
      (post) => ({ time: post.publishedAt!.getTime(), id: post.id }),
      -1,
    );
    const shown = rows.slice(0, size);
    return {
      page,
      authors: shown.map((r) => r.author),
      tags: new Map(shown.map((r) => [r.post.id, r.tags])),
    };
  }

  async authorsByIds(ids: readonly number[]): Promise<Map<number, AuthorRow>> {
    const rows = await this.db.read.getRepository<AuthorRow>('Author').findBy({ id: In([...ids]) });
    return new Map(rows.map((a) => [a.id, a]));
  }

  async tagsByPostIds(postIds: readonly number[]): Promise<Map<number, TagRow[]>> {
    if (postIds.length === 0) return new Map();
    const p = new SqlParams(this.db.kind);
    const rows = await this.db.read.query<
      (PostTagRow & { id: number; name: string; slug: string })[]
    >(
      `SELECT pt.post_id AS "postId", t.id AS "id", t.name AS "name", t.slug AS "slug"
       FROM post_tags pt INNER JOIN tags t ON t.id = pt.tag_id
       WHERE pt.post_id IN (${p.list(postIds)}) ORDER BY t.name ASC`,
      p.values,
    );
    const byPost = new Map<number, TagRow[]>();
    for (const r of rows) {
      const list = byPost.get(Number(r.postId)) ?? [];
      list.push({ id: Number(r.id), name: r.name, slug: r.slug });
      byPost.set(Number(r.postId), list);
    }
    return byPost;
  }

  /** The post's canonical absolute URL under PUBLIC_URL. */
  postUrl(post: Pick<PostRow, 'slug'>): string {
    return `${this.deps.config.publicUrl}/posts/${encodeURIComponent(post.slug)}`;
  }
}
