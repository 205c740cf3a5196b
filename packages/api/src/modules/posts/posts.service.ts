import type { Database } from '../../db/database.js';
import { Brackets, In, type SelectQueryBuilder } from 'typeorm';
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
import { visibleCondition } from './visibility.js';

export interface PostListArgs extends PageArgs {
  tag?: string | null;
}

/** The columns of a post that a comment submission checks. */
export type CommentablePost = Pick<PostRow, 'id' | 'commentsOpen' | 'publishedAt'>;

/** A post read with its author, in the same statement. */
export interface PostWithAuthor {
  post: PostRow;
  author: AuthorRow;
}

/** Joins the author (into `author`, taken out again by splitAuthor) to posts under `p`. */
function withAuthor(qb: SelectQueryBuilder<PostRow>): SelectQueryBuilder<PostRow> {
  return qb.innerJoinAndMapOne('p.author', 'Author', 'a', 'a.id = p.authorId');
}

function splitAuthor(row: PostRow): PostWithAuthor {
  const { author, ...post } = row as PostRow & { author: AuthorRow };
  return { post, author };
}

export class PostsService {
  constructor(private readonly deps: { db: Database; config: Config }) {}

  private get db() {
    return this.deps.db;
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
    const row = await withAuthor(this.visible()).andWhere('p.slug = :slug', { slug }).getOne();
    return row ? splitAuthor(row) : null;
  }

  /**
   * What a new comment needs of its post, if readers can see it: whether it
   * takes comments, and since when it is published. Not its content, which
   * every submission would otherwise read for nothing.
   */
  findPublishedForComment(id: number): Promise<CommentablePost | null> {
    return this.visible()
      .select(['p.id', 'p.commentsOpen', 'p.publishedAt'])
      .andWhere('p.id = :id', { id })
      .getOne();
  }

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
  async listPublished(args: PostListArgs): Promise<{ page: Page<PostRow>; authors: AuthorRow[] }> {
    const size = pageSize(args.first);
    const qb = withAuthor(this.visible());
    if (args.after) {
      const after = decodeCursor(args.after);
      const at = dbDate(this.db, new Date(after.time));
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('p.publishedAt < :at', { at })
            .orWhere('(p.publishedAt = :at AND p.id < :afterId)', { at, afterId: after.id }),
        ),
      );
    }
    if (args.tag) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM post_tags pt INNER JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id AND t.slug = :tag)',
        { tag: args.tag },
      );
    }
    // limit(), not take(): one author per post, so LIMIT counts posts, and take()
    // with a join would read the page's ids in a statement of their own first.
    const rows = (
      await qb
        .orderBy('p.publishedAt', 'DESC')
        .addOrderBy('p.id', 'DESC')
        .limit(size + 1)
        .getMany()
    ).map(splitAuthor);
    const page = pageOfRows(
      rows.map((r) => r.post),
      size,
      (post) => ({ time: post.publishedAt!.getTime(), id: post.id }),
      -1,
    );
    return { page, authors: rows.slice(0, size).map((r) => r.author) };
  }

  async authorsByIds(ids: readonly number[]): Promise<Map<number, AuthorRow>> {
    const rows = await this.db.read.getRepository<AuthorRow>('Author').findBy({ id: In([...ids]) });
    return new Map(rows.map((a) => [a.id, a]));
  }

  async tagsByPostIds(postIds: readonly number[]): Promise<Map<number, TagRow[]>> {
    const rows = await this.db.read
      .createQueryBuilder()
      .select(['pt.post_id AS "postId"', 't.id AS "id"', 't.name AS "name"', 't.slug AS "slug"'])
      .from('post_tags', 'pt')
      .innerJoin('tags', 't', 't.id = pt.tag_id')
      .where('pt.post_id IN (:...postIds)', { postIds: [...postIds] })
      .orderBy('t.name', 'ASC')
      .getRawMany<PostTagRow & { id: number; name: string; slug: string }>();
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
