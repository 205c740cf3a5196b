import type { Config } from '../../config.js';
import { tags } from '../../db/changes.js';
import type { Database } from '../../db/database.js';
import { SqlParams } from '../../db/params.js';
import { RawRows } from '../../db/raw-rows.js';
import type { ReadScope } from '../../lib/read-scope.js';
import type { CommentThreadsService } from '../comments/comment-threads.service.js';
import type { CommentRow } from '../comments/entities.js';
import { PUBLIC_COMMENT_COLUMNS, type CommentNode } from '../comments/thread.js';
import type { AuthorRow, PostRow, TagRow } from '../posts/entities.js';
import type { PostsService } from '../posts/posts.service.js';
import { visibleSql } from '../posts/visibility.js';
import type { SiteService } from '../site/site.service.js';
import { feedPaths, type FeedPaths } from './discovery.js';

/** Items in a feed: the latest ones, newest first. */
export const FEED_SIZE = 20;

/**
 * The date in every id of this site's feeds (`tag:host,2024:post/7`, RFC
 * 4151). Fixed, so that an id never changes: it names the numeric id, not the
 * slug or the title.
 */
const TAG_DATE = '2024';

/** A feed, whatever its format (formats.ts writes it as RSS, Atom or JSON Feed). */
export interface Feed {
  /** Its stable id (a tag: URI). */
  id: string;
  title: string;
  description: string;
  /** The page the feed is about. */
  homeUrl: string;
  /** Its own absolute URLs, one per format. */
  urls: FeedPaths;
  /** The newest item's date (or its subject's, when it has none). */
  updated: Date;
  entries: FeedEntry[];
}

export interface FeedEntry {
  id: string;
  url: string;
  title: string;
  /** Sanitized HTML, as stored (a post's content; a comment's text rendered by the app). */
  contentHtml: string;
  /** Plain text (a post's excerpt). */
  summary: string | null;
  published: Date;
  updated: Date;
  /** A name and a public URL; never an email. */
  author: { name: string; url: string | null };
  categories: { term: string; label: string; url: string }[];
  /** A post's comments: how many, where they are, their feeds. */
  comments?: { count: number; url: string; feeds: FeedPaths };
  /** What a comment answers: its parent comment, or the post. */
  inReplyTo?: { id: string; url: string };
}

/** A comment as the comments feeds read it: its public columns and its post's. */
type FeedComment = CommentNode & { postSlug: string; postTitle: string };

/**
 * What the feeds read: a page of the latest published posts (of the site or
 * a tag) or of the latest approved comments (of a post or the site), never
 * more. Every read notes its tags in the request's ReadScope, so that the
 * cached feed is dropped by the changes that alter it.
 */
export class FeedsService {
  constructor(
    private readonly deps: {
      db: Database;
      config: Config;
      posts: PostsService;
      commentThreads: CommentThreadsService;
      site: SiteService;
    },
  ) {}

  private get base(): string {
    return this.deps.config.publicUrl;
  }

  /** `tag:host,2024:what` (the host of PUBLIC_URL, read at each call: main() settles it late). */
  private tagUri(what: string): string {
    return `tag:${new URL(this.base).hostname},${TAG_DATE}:${what}`;
  }

  private async site(reads: ReadScope) {
    reads.read(tags.site);
    return this.deps.site.getSite();
  }

  /** The site's latest published posts. */
  async sitePosts(reads: ReadScope): Promise<Feed> {
    const site = await this.site(reads);
    const entries = await this.postEntries(null, reads);
    return {
      id: this.tagUri('posts'),
      title: site.title,
      description: site.description || `The latest posts of ${site.title}`,
      homeUrl: `${this.base}/`,
      urls: feedPaths.absolute(this.base, feedPaths.site),
      updated: newest(entries),
      entries,
    };
  }

  /** A tag's latest published posts; null for a tag that does not exist. */
  async tagPosts(slug: string, reads: ReadScope): Promise<Feed | null> {
    // Tags come and go with the posts that carry them (post operations name `posts`).
    reads.read(tags.posts);
    const tag = await this.tagBySlug(slug);
    if (!tag) return null;
    const site = await this.site(reads);
    const entries = await this.postEntries(tag.slug, reads);
    return {
      id: this.tagUri(`tag/${tag.id}`),
      title: `${site.title} — ${tag.name}`,
      description: `Posts tagged ${tag.name}`,
      homeUrl: this.tagUrl(tag.slug),
      urls: feedPaths.absolute(this.base, feedPaths.tag(tag.slug)),
      updated: newest(entries),
      entries,
    };
  }

  /** A published post's latest approved comments; null when readers cannot see the post. */
  async postComments(slug: string, reads: ReadScope): Promise<Feed | null> {
    reads.read(tags.slug(slug));
    const found = await this.deps.posts.findPublishedBySlugWithAuthor(slug);
    if (!found) return null;
    const { post } = found;
    reads.read(tags.post(post.id));
    const site = await this.site(reads);
    const comments = await this.latestComments(post.id);
    const entries = comments.map((c) => this.commentEntry(c, `By: ${c.authorName}`));
    return {
      id: this.tagUri(`post/${post.id}/comments`),
      title: `Comments on: ${post.title}`,
      description: `Comments on ${post.title} — ${site.title}`,
      homeUrl: this.deps.posts.postUrl(post),
      urls: feedPaths.absolute(this.base, feedPaths.post(post.slug)),
      updated: entries.length > 0 ? newest(entries) : (post.publishedAt ?? post.updatedAt),
      entries,
    };
  }

  /** The site's latest approved comments, on every post readers can see. */
  async siteComments(reads: ReadScope): Promise<Feed> {
    // Which comments: any comment write names `comments`; which posts: `posts`.
    reads.read(tags.comments, tags.posts);
    const site = await this.site(reads);
    const comments = await this.latestComments(null);
    for (const postId of new Set(comments.map((c) => c.postId))) reads.read(tags.post(postId));
    const entries = comments.map((c) =>
      this.commentEntry(c, `Comment on ${c.postTitle} by ${c.authorName}`),
    );
    return {
      id: this.tagUri('comments'),
      title: `Comments for ${site.title}`,
      description: `The latest comments on ${site.title}`,
      homeUrl: `${this.base}/`,
      urls: feedPaths.absolute(this.base, feedPaths.comments),
      updated: newest(entries),
      entries,
    };
  }

  private tagUrl(slug: string): string {
    return `${this.base}/tag/${encodeURIComponent(slug)}`;
  }

  private async tagBySlug(slug: string): Promise<TagRow | null> {
    const p = new SqlParams(this.deps.db.kind);
    const [row] = await this.deps.db.read.query<{ id: number; name: string; slug: string }[]>(
      `SELECT t.id AS "id", t.name AS "name", t.slug AS "slug" FROM tags t WHERE t.slug = ${p.add(slug)}`,
      p.values,
    );
    return row ? { id: Number(row.id), name: row.name, slug: row.slug } : null;
  }

  /** The latest published posts (of a tag), their authors, tags and comment counts: two statements. */
  private async postEntries(tag: string | null, reads: ReadScope): Promise<FeedEntry[]> {
    reads.read(tags.posts);
    const {
      page,
      authors,
      tags: tagsOf,
    } = await this.deps.posts.listPublished({
      first: FEED_SIZE,
      tag,
    });
    const posts = page.edges.map((e) => e.node);
    const authorById = new Map(authors.map((a) => [a.id, a]));
    const counts =
      posts.length > 0
        ? await this.deps.commentThreads.countsByPostIds(posts.map((p) => p.id))
        : new Map();
    return posts.map((post) => {
      const author = authorById.get(post.authorId);
      reads.read(tags.post(post.id), tags.author(post.authorId));
      return this.postEntry(
        post,
        author,
        tagsOf.get(post.id) ?? [],
        counts.get(post.id)?.commentCount ?? 0,
      );
    });
  }

  private postEntry(
    post: PostRow,
    author: AuthorRow | undefined,
    postTags: TagRow[],
    commentCount: number,
  ): FeedEntry {
    const url = this.deps.posts.postUrl(post);
    const published = post.publishedAt ?? post.createdAt;
    return {
      id: this.tagUri(`post/${post.id}`),
      url,
      title: post.title,
      contentHtml: post.contentHtml,
      summary: post.excerpt || null,
      published,
      // An edit made before publication is not news: never earlier than the publication.
      updated: post.updatedAt > published ? post.updatedAt : published,
      author: { name: author?.name ?? 'Unknown', url: author?.url ?? null },
      categories: postTags.map((t) => ({ term: t.slug, label: t.name, url: this.tagUrl(t.slug) })),
      comments: {
        count: commentCount,
        url: `${url}#comments`,
        feeds: feedPaths.absolute(this.base, feedPaths.post(post.slug)),
      },
    };
  }

  private commentEntry(comment: FeedComment, title: string): FeedEntry {
    const postUrl = this.deps.posts.postUrl({ slug: comment.postSlug });
    return {
      id: this.tagUri(`comment/${comment.id}`),
      url: `${postUrl}#comment-${comment.id}`,
      title,
      contentHtml: comment.contentHtml,
      summary: null,
      published: comment.createdAt,
      updated: comment.createdAt,
      author: { name: comment.authorName, url: comment.authorUrl },
      categories: [],
      inReplyTo:
        comment.parentId === null
          ? { id: this.tagUri(`post/${comment.postId}`), url: postUrl }
          : {
              id: this.tagUri(`comment/${comment.parentId}`),
              url: `${postUrl}#comment-${comment.parentId}`,
            },
    };
  }

  private nodeRows?: RawRows<CommentNode>;

  /**
   * The latest approved comments readers can reach (the comment and all its
   * ancestors approved, as the thread shows them), of one post or of every
   * visible post, newest first: a keyset page read from an index in order
   * (idx_comments_post_status_created for a post, idx_comments_approved_created
   * for the site), twice the feed's size so that comments under a held parent
   * can be left out, then one bounded walk up the candidates' ancestors.
   */
  private async latestComments(postId: number | null): Promise<FeedComment[]> {
    const { db } = this.deps;
    this.nodeRows ??= new RawRows<CommentNode>(
      db.read.getRepository<CommentRow>('Comment'),
      PUBLIC_COMMENT_COLUMNS,
    );
    const nodes = this.nodeRows;
    const p = new SqlParams(db.kind);
    // The status as a literal: the partial index applies only then.
    const rows = await db.read.query<Record<string, unknown>[]>(
      `SELECT ${nodes.select('c')}, p.slug AS post_slug, p.title AS post_title
       FROM comments c INNER JOIN posts p ON p.id = c.post_id
       WHERE c.status = 'APPROVED' AND ${visibleSql('p', p, db)}
         ${postId === null ? '' : `AND c.post_id = ${p.add(postId)}`}
       ORDER BY c.created_at DESC, c.id DESC
       LIMIT ${p.int(FEED_SIZE * 2)}`,
      p.values,
    );
    const candidates: FeedComment[] = rows.map((r) => ({
      ...nodes.hydrate(r),
      postSlug: String(r.post_slug),
      postTitle: String(r.post_title),
    }));
    const unreachable = await this.underHeldAncestors(
      candidates.filter((c) => c.parentId !== null).map((c) => c.id),
    );
    return candidates.filter((c) => !unreachable.has(c.id)).slice(0, FEED_SIZE);
  }

  /** Of these replies, those with an ancestor that is not approved: at most depth × count rows read. */
  private async underHeldAncestors(ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const p = new SqlParams(this.deps.db.kind);
    const rows = await this.deps.db.read.query<{ id: number | string }[]>(
      `WITH RECURSIVE up(start_id, id, hops) AS (
         SELECT c.id, c.parent_id, 1 FROM comments c
         WHERE c.id IN (${p.list(ids)}) AND c.parent_id IS NOT NULL
         UNION ALL
         SELECT up.start_id, c.parent_id, up.hops + 1 FROM up INNER JOIN comments c ON c.id = up.id
         WHERE c.parent_id IS NOT NULL AND up.hops < ${p.int(MAX_HOPS)}
       )
       SELECT DISTINCT up.start_id AS "id" FROM up INNER JOIN comments a ON a.id = up.id
       WHERE a.status <> 'APPROVED'`,
      p.values,
    );
    return new Set(rows.map((r) => Number(r.id)));
  }
}

/** Every ancestor walk stops here (threads are at most 10 levels deep). */
const MAX_HOPS = 100;

/** The newest date of a feed's entries; the epoch for an empty feed (stable, so its ETag is too). */
function newest(entries: readonly FeedEntry[]): Date {
  let time = 0;
  for (const e of entries) time = Math.max(time, e.updated.getTime());
  return new Date(time);
}
