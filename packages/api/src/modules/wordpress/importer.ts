import type { EntityManager } from 'typeorm';
import type { Database, Reader } from '../../db/database.js';
import { plainTextToHtml, truncateText } from '../../lib/html.js';
import { slugify } from '../../lib/slug.js';
import { clean } from '../../lib/text.js';
import type { CommentRow, CommentStatus } from '../comments/entities.js';
import { recountThreads } from '../comments/counters.js';
import { insertUncountedCommentRow } from '../comments/store.js';
import { SqlParams } from '../../db/params.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { LinkbackKind, LinkbackRow } from '../linkbacks/entities.js';
import { insertLinkback } from '../linkbacks/store.js';
import { excerptFrom, renderPostContent } from '../posts/content.js';
import type { AuthorRow, PostRow, PostStatus, PostTagRow, TagRow } from '../posts/entities.js';
import { LIMITS } from '../posts/messages.js';
import { queueGoingLive } from '../posts/operations/going-live.js';
import { resolveSlug } from '../posts/operations/resolve-slug.js';
import { saveRevision } from '../posts/operations/revisions.js';
import type { LegacyUrlRow, SourceKind, WordpressSourceRow } from './entities.js';
import { legacyKeyOfLink, legacyKeyOfPostId } from './legacy-urls.js';
import type { Progress } from './progress.js';
import { BLOG_NAME_META } from './exporter.js';
import { ImportSummary } from './summary.js';
import { commentText, convertPostContent, lineText, type ContentNotes } from './wp-content.js';
import {
  readWxr,
  WxrError,
  type WxrAuthor,
  type WxrChannel,
  type WxrComment,
  type WxrEvent,
  type WxrPost,
} from './wxr-reader.js';

export interface ImportOptions {
  dryRun: boolean;
  /** How the file is named in messages (the operator's path). */
  label?: string;
  progress?: Progress;
}

/** WordPress's comment_approved, as a Colloquy status. */
function commentStatusOf(approved: string): CommentStatus {
  switch (approved.trim()) {
    case '1':
    case 'approve':
      return 'APPROVED';
    case 'spam':
      return 'SPAM';
    case 'trash':
    case 'post-trashed':
      return 'TRASH';
    default:
      return 'PENDING';
  }
}

const LINKBACK_TYPES: Record<string, LinkbackKind> = {
  pingback: 'PINGBACK',
  trackback: 'TRACKBACK',
  webmention: 'WEBMENTION',
};

/** What a WordPress post status becomes; null: not imported (with why). */
function postStatusOf(status: string): { status: PostStatus; published: boolean } | string {
  switch (status) {
    case 'publish':
    case 'future':
      return { status: 'PUBLISHED', published: true };
    case 'draft':
    case 'pending':
    case 'private':
      return { status: 'DRAFT', published: false };
    case 'trash':
      return "in WordPress's trash";
    default:
      return `with the status "${status || '(none)'}"`;
  }
}

const WP_DATE = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/;

/**
 * A WordPress date (`2013-05-21 09:30:00`, UTC for the _gmt fields); null for
 * WordPress's "no date" (0000-00-00 00:00:00) and for an empty field.
 */
export function wpDate(text: string): Date | null | 'invalid' {
  const value = text.trim();
  if (value === '' || value.startsWith('0000-00-00')) return null;
  const m = WP_DATE.exec(value);
  if (!m) return 'invalid';
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? 'invalid' : date;
}

/** The item's date: the GMT one, else the local one taken as UTC (drafts have no GMT date). */
function itemDate(gmt: string, local: string): Date | null {
  const g = wpDate(gmt);
  if (g instanceof Date) return g;
  const l = wpDate(local);
  return l instanceof Date ? l : null;
}

/** An http(s) URL that fits a column of `max`, else null. */
function httpUrl(text: string, max: number): string | null {
  const value = text.trim();
  if (!value || value.length > max) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

/** The key an item is remembered by: its GUID, else the site and its post id. */
const postKey = (post: WxrPost, channel: WxrChannel) =>
  post.guid.trim() || `${channel.baseSiteUrl || channel.link}?p=${post.postId.trim()}`;
const commentKey = (postKeyText: string, commentId: string) => `${postKeyText}#${commentId.trim()}`;

/** LIKE pattern for keys starting with `prefix`. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Source keys written per statement. */
const KEY_BATCH = 100;

interface KnownComment {
  /** The Colloquy comment (null when the WordPress comment became a linkback). */
  id: number | null;
  depth: number;
}

/**
 * Imports a WXR file in two streaming passes: the first reads the whole
 * file and checks it (so a malformed or truncated file stops the import
 * before anything is written), the second writes, one unit of work per post
 * with its comments, so a failure leaves no half-imported post.
 */
export class WordpressImporter {
  constructor(private readonly deps: { db: Database; jobs: JobQueue }) {}

  /** Reads the whole file, checking what the second pass relies on; returns how many items it holds. */
  async validate(file: string, label = file): Promise<{ items: number; channel: WxrChannel }> {
    let items = 0;
    let channel: WxrChannel | null = null;
    const checkDate = (text: string, field: string, at: WxrPost['position']) => {
      if (wpDate(text) === 'invalid')
        throw new WxrError(
          label,
          at,
          `<${field}> "${text.trim()}" is not a date (YYYY-MM-DD hh:mm:ss)`,
        );
    };
    for await (const event of readWxr(file, label)) {
      if (event.kind === 'channel') channel = event.channel;
      else if (event.kind === 'post') {
        items++;
        const p = event.post;
        if (!/^\d+$/.test(p.postId.trim()))
          throw new WxrError(label, p.position, '<item> has no numeric <wp:post_id>');
        checkDate(p.postDate, 'wp:post_date', p.position);
        checkDate(p.postDateGmt, 'wp:post_date_gmt', p.position);
      } else if (event.kind === 'comment') {
        items++;
        const c = event.comment;
        if (!/^\d+$/.test(c.commentId.trim()))
          throw new WxrError(label, c.position, '<wp:comment> has no numeric <wp:comment_id>');
        checkDate(c.date, 'wp:comment_date', c.position);
        checkDate(c.dateGmt, 'wp:comment_date_gmt', c.position);
      }
    }
    return { items, channel: channel! };
  }

  async import(file: string, options: ImportOptions): Promise<ImportSummary> {
    const label = options.label ?? file;
    const { items, channel } = await this.validate(file, label);
    const summary = new ImportSummary(channel, options.dryRun);
    options.progress?.start(items);
    const run = new ImportRun(this.deps, channel, summary, options);
    const events = readWxr(file, label)[Symbol.asyncIterator]();
    for (;;) {
      const next = await events.next();
      if (next.done) break;
      await run.handle(next.value, events);
    }
    await run.flushTerms();
    options.progress?.finish();
    return summary;
  }
}

/** One import's state: the authors and terms of the channel, then each item in turn. */
class ImportRun {
  private readonly authors = new Map<string, WxrAuthor>();
  /** Author ids by WordPress login, once written (or found). */
  private readonly authorIds = new Map<string, number>();
  private termsDone = false;
  private readonly tagNames = new Map<string, string>();

  constructor(
    private readonly deps: { db: Database; jobs: JobQueue },
    private readonly channel: WxrChannel,
    private readonly summary: ImportSummary,
    private readonly options: ImportOptions,
  ) {}

  private get db() {
    return this.deps.db;
  }

  async handle(event: WxrEvent, events: AsyncIterator<WxrEvent>): Promise<void> {
    switch (event.kind) {
      case 'author':
        this.authors.set(event.author.login, event.author);
        return;
      case 'term':
        if (isDefaultCategory(event.term.taxonomy, event.term.slug))
          this.summary.skipped('tags', "WordPress's default category, Uncategorized");
        else this.tagNames.set(event.term.slug, event.term.name);
        return;
      case 'post':
        await this.flushTerms();
        await this.importItem(event.post, events);
        return;
      default:
        return;
    }
  }

  private async source(
    em: Reader | EntityManager,
    kind: SourceKind,
    key: string,
  ): Promise<number | null> {
    const row = await em
      .getRepository<WordpressSourceRow>('WordpressSource')
      .findOne({ where: { kind, sourceKey: key } });
    return row ? row.targetId : null;
  }

  private remember(em: EntityManager, kind: SourceKind, key: string, targetId: number) {
    return em
      .getRepository<WordpressSourceRow>('WordpressSource')
      .insert({ kind, sourceKey: key, targetId });
  }

  /** The channel's authors and terms, once, before the first item (they come first in a WXR file). */
  async flushTerms(): Promise<void> {
    if (this.termsDone) return;
    this.termsDone = true;
    const authors = [...this.authors.values()];
    const tags = [...this.tagNames].map(([slug, name]) => this.tagOf(name, slug));
    if (this.options.dryRun) {
      for (const a of authors) {
        if ((await this.source(this.db.read, 'author', a.login)) === null)
          this.summary.imported('authors');
        else this.summary.skipped('authors', 'imported before');
      }
      const existing = new Set(
        (await this.db.read.getRepository<TagRow>('Tag').find({ select: ['slug'] })).map(
          (t) => t.slug,
        ),
      );
      for (const t of tags) {
        if (!t) this.summary.skipped('tags', 'no usable name');
        else if (existing.has(t.slug)) this.summary.skipped('tags', 'already in Colloquy');
        else this.summary.imported('tags');
      }
      return;
    }
    await this.db.write(async (em) => {
      for (const a of authors) await this.authorIdOf(em, a.login, true);
      const tagRepo = em.getRepository<TagRow>('Tag');
      for (const t of tags) {
        if (!t) {
          this.summary.skipped('tags', 'no usable name');
          continue;
        }
        if (await tagRepo.existsBy({ slug: t.slug }))
          this.summary.skipped('tags', 'already in Colloquy');
        else {
          await tagRepo.insert(t);
          this.summary.imported('tags');
        }
      }
    });
  }

  /** A WordPress term as a Colloquy tag: the slug from its name, else from WordPress's slug (non-Latin names). */
  private tagOf(rawName: string, wpSlug: string): { name: string; slug: string } | null {
    const name = truncateText(lineText(rawName), LIMITS.tagName).replace(/…$/, '');
    const slug = slugify(name) || slugify(wpSlug);
    return name && slug ? { name, slug } : null;
  }

  /** The Colloquy author of a WordPress login: the one imported before, one with the same email, or a new one. */
  private async authorIdOf(em: EntityManager, login: string, count = false): Promise<number> {
    const known = this.authorIds.get(login);
    if (known !== undefined) return known;
    const authors = em.getRepository<AuthorRow>('Author');
    let id = await this.source(em, 'author', login);
    if (id !== null && !(await authors.existsBy({ id }))) id = null;
    if (id !== null) {
      if (count) this.summary.skipped('authors', 'imported before');
    } else {
      const wp = this.authors.get(login);
      const email = (
        clean(wp?.email) || `${slugify(login) || 'author'}@wordpress.invalid`
      ).toLowerCase();
      const same = await authors.findOne({ where: { email } });
      if (same) {
        id = same.id;
        this.summary.skipped('authors', 'an author with the same email was already in Colloquy');
      } else {
        const name = truncateText(lineText(wp?.displayName || login) || 'WordPress author', 200);
        id = (
          await authors.save({ name, email: email.slice(0, 254), url: null, createdAt: new Date() })
        ).id;
        this.summary.imported('authors');
      }
      await em
        .getRepository<WordpressSourceRow>('WordpressSource')
        .delete({ kind: 'author', sourceKey: login });
      await this.remember(em, 'author', login, id);
    }
    this.authorIds.set(login, id);
    return id;
  }

  /** Reads the events of the item up to its end, calling `each` for every comment. */
  private async eachComment(
    events: AsyncIterator<WxrEvent>,
    each: (c: WxrComment) => Promise<void>,
  ): Promise<void> {
    for (;;) {
      const next = await events.next();
      if (next.done) throw new Error('the file ended inside an item'); // validated: cannot happen
      if (next.value.kind === 'postEnd') return;
      if (next.value.kind === 'comment') {
        this.options.progress?.tick();
        await each(next.value.comment);
      }
    }
  }

  private async importItem(post: WxrPost, events: AsyncIterator<WxrEvent>): Promise<void> {
    this.options.progress?.tick();
    const type = post.postType || 'post';
    const mapped = postStatusOf(post.status);
    const skipReason =
      type === 'page'
        ? 'a page (Colloquy has posts only)'
        : type === 'attachment'
          ? 'an attachment (media files are not imported)'
          : type !== 'post'
            ? `of the type "${type}"`
            : typeof mapped === 'string'
              ? mapped
              : null;
    if (skipReason !== null || typeof mapped === 'string') {
      this.summary.skipped('posts', skipReason ?? String(mapped));
      await this.eachComment(events, async () => {
        this.summary.skipped('comments', 'on an item that is not imported');
      });
      return;
    }
    const key = postKey(post, this.channel);
    if (this.options.dryRun) {
      const existing = await this.source(this.db.read, 'post', key);
      const known = new Set<string>();
      if (existing !== null) {
        const rows = await this.db.read
          .getRepository<WordpressSourceRow>('WordpressSource')
          .createQueryBuilder('s')
          .select('s.sourceKey', 'key')
          .where("s.kind IN ('comment', 'linkback') AND s.sourceKey LIKE :p ESCAPE '\\'", {
            p: likePrefix(`${key}#`),
          })
          .getRawMany<{ key: string }>();
        for (const r of rows) known.add(r.key);
        this.summary.skipped('posts', 'imported before');
      } else {
        this.summary.imported('posts');
        for (const path of legacyKeysOf(post)) if (path) this.summary.imported('redirects');
      }
      await this.eachComment(events, async (c) => {
        const kind = this.commentKind(c);
        if (typeof kind !== 'string' || !['comments', 'linkbacks'].includes(kind)) {
          this.summary.skipped('comments', (kind as { skip: string }).skip);
        } else if (known.has(commentKey(key, c.commentId))) {
          this.summary.skipped(kind as 'comments', 'imported before');
        } else this.summary.imported(kind as 'comments');
      });
      return;
    }
    await this.db.write(async (em) => {
      const existingId = await this.source(em, 'post', key);
      const existing =
        existingId === null
          ? null
          : await em.getRepository<PostRow>('Post').findOne({ where: { id: existingId } });
      // The post was imported, then deleted for good in Colloquy: it is imported again.
      if (existingId !== null && !existing) {
        await em
          .getRepository<WordpressSourceRow>('WordpressSource')
          .delete({ kind: 'post', sourceKey: key });
      }
      let stored: PostRow;
      if (existing) {
        stored = existing;
        this.summary.skipped('posts', 'imported before');
      } else {
        stored = await this.createPost(em, post, mapped, key);
      }
      await this.importComments(em, post, stored, key, events, existing !== null);
    });
  }

  private async createPost(
    em: EntityManager,
    post: WxrPost,
    mapped: { status: PostStatus; published: boolean },
    key: string,
  ): Promise<PostRow> {
    const notes: ContentNotes = this.summary.notes;
    const title =
      truncateText(lineText(post.title).replace(/\s+/g, ' '), LIMITS.title) || '(no title)';
    const contentSource = convertPostContent(post.content, notes);
    const contentHtml = renderPostContent(contentSource, 'HTML');
    const excerptText = lineText(post.excerpt);
    const excerpt = excerptText
      ? truncateText(excerptText, LIMITS.excerpt)
      : excerptFrom(contentHtml);
    const date = itemDate(post.postDateGmt, post.postDate) ?? new Date();
    const wanted = slugify(safeDecode(post.postName), LIMITS.generatedSlug) || null;
    const slug =
      (wanted && (await resolveSlug(em, wanted, title, null))) ??
      (await resolveSlug(em, null, wanted ?? title, null)) ??
      `post-${Date.now()}`;
    const authorId = await this.authorIdOf(em, post.creator.trim());
    const row = await em.getRepository<PostRow>('Post').save({
      slug,
      title,
      contentSource,
      contentFormat: 'HTML',
      contentHtml,
      excerpt,
      status: mapped.status,
      publishedAt: mapped.published ? date : null,
      createdAt: date,
      updatedAt: date,
      authorId,
      commentsOpen: post.commentStatus.trim() === 'open',
      pingsOpen: post.pingStatus.trim() === 'open',
    });
    // A scheduled post goes live as one scheduled in Colloquy does (its pings included).
    if (row.publishedAt && row.publishedAt.getTime() > Date.now())
      await queueGoingLive(this.deps.jobs, row);

    const tags = new Map<string, { name: string; slug: string }>();
    for (const t of post.terms) {
      if (t.domain !== 'post_tag' && t.domain !== 'category') continue;
      if (isDefaultCategory(t.domain, t.slug)) continue;
      const tag = this.tagOf(t.name, t.slug);
      if (tag && tags.size < LIMITS.tags) tags.set(tag.slug, tag);
    }
    if (tags.size > 0) {
      const tagRepo = em.getRepository<TagRow>('Tag');
      await tagRepo
        .createQueryBuilder()
        .insert()
        .values([...tags.values()])
        .orIgnore()
        .execute();
      const rows = await tagRepo.find({ where: [...tags.keys()].map((slug) => ({ slug })) });
      await em
        .getRepository<PostTagRow>('PostTag')
        .insert(rows.map((t) => ({ postId: row.id, tagId: t.id })));
    }
    await saveRevision(
      em,
      row.id,
      {
        title,
        contentSource,
        contentFormat: 'HTML',
        excerpt,
        tags: [...tags.values()].map((t) => t.name),
      },
      null,
      date,
    );
    await this.remember(em, 'post', key, row.id);
    this.summary.imported('posts');

    const legacy = em.getRepository<LegacyUrlRow>('LegacyUrl');
    for (const path of legacyKeysOf(post)) {
      if (!path) continue;
      if (await legacy.existsBy({ path }))
        this.summary.skipped('redirects', 'the old URL already leads elsewhere');
      else {
        await legacy.insert({ path, postId: row.id });
        this.summary.imported('redirects');
      }
    }
    return row;
  }

  private commentKind(c: WxrComment): 'comments' | 'linkbacks' | { skip: string } {
    const type = c.type.trim();
    if (type === '' || type === 'comment') return 'comments';
    if (LINKBACK_TYPES[type]) return 'linkbacks';
    return { skip: `a comment of the type "${type}"` };
  }

  private async importComments(
    em: EntityManager,
    wpPost: WxrPost,
    post: PostRow,
    key: string,
    events: AsyncIterator<WxrEvent>,
    postExisted: boolean,
  ): Promise<void> {
    // What of this post's comments was imported before, with their depths.
    const known = new Map<string, KnownComment>();
    if (postExisted) {
      const rows = await em
        .getRepository<WordpressSourceRow>('WordpressSource')
        .createQueryBuilder('s')
        .leftJoin('comments', 'c', "c.id = s.target_id AND s.kind = 'comment'")
        .select(['s.source_key AS key', 's.kind AS kind', 'c.id AS id', 'c.depth AS depth'])
        .where("s.kind IN ('comment', 'linkback') AND s.source_key LIKE :p ESCAPE '\\'", {
          p: likePrefix(`${key}#`),
        })
        .getRawMany<{ key: string; kind: string; id: number | null; depth: number | null }>();
      for (const r of rows) {
        known.set(r.key.slice(key.length + 1), {
          id: r.kind === 'comment' && r.id !== null ? Number(r.id) : null,
          depth: Number(r.depth ?? 0),
        });
      }
    }
    const authorWpId = this.authors.get(wpPost.creator.trim())?.id ?? '';
    const sources = new Set<string>();
    if (postExisted) {
      for (const l of await em
        .getRepository<LinkbackRow>('Linkback')
        .find({ select: ['sourceUrl'], where: { postId: post.id } }))
        sources.add(l.sourceUrl);
    }
    // Replies whose parent comes later in the file wait for it (by the parent's WordPress id).
    const waiting = new Map<string, WxrComment[]>();
    let added = 0;

    // The comments' source keys, written a batch at a time.
    const keys: [string, number][] = [];
    const flushKeys = async () => {
      if (keys.length === 0) return;
      const p = new SqlParams(this.db.kind);
      const values = keys
        .map(([k, target]) => `('comment', ${p.add(k)}, ${p.add(target)})`)
        .join(', ');
      await em.query(
        `INSERT INTO wordpress_sources (kind, source_key, target_id) VALUES ${values}`,
        p.values,
      );
      keys.length = 0;
    };

    const insert = async (c: WxrComment, parent: KnownComment | null): Promise<void> => {
      const id = c.commentId.trim();
      const content = commentText(c.content);
      const depth = parent?.id ? parent.depth + 1 : 0;
      const rowId = await insertUncountedCommentRow(em, {
        postId: post.id,
        parentId: parent?.id ?? null,
        depth,
        authorName: truncateText(lineText(c.author), 245) || 'Anonymous',
        authorEmail: clean(c.authorEmail).toLowerCase().slice(0, 100),
        authorUrl: httpUrl(c.authorUrl, 200),
        contentText: content,
        contentHtml: plainTextToHtml(content),
        status: commentStatusOf(c.approved),
        moderationReason: null,
        ip: clean(c.authorIp).slice(0, 45) || null,
        userAgent: null,
        createdAt: itemDate(c.dateGmt, c.date) ?? post.createdAt,
        userId: null,
        byPostAuthor:
          c.userId.trim() !== '' && c.userId.trim() !== '0' && c.userId.trim() === authorWpId,
      } satisfies Omit<CommentRow, 'id' | 'replyCount'>);
      keys.push([commentKey(key, id), rowId]);
      if (keys.length >= KEY_BATCH) await flushKeys();
      const self = { id: rowId, depth };
      known.set(id, self);
      this.summary.imported('comments');
      added++;
      for (const child of waiting.get(id) ?? []) await insert(child, self);
      waiting.delete(id);
    };

    await this.eachComment(events, async (c) => {
      const id = c.commentId.trim();
      const kind = this.commentKind(c);
      if (typeof kind !== 'string') {
        this.summary.skipped('comments', kind.skip);
        return;
      }
      if (known.has(id)) {
        this.summary.skipped(kind, 'imported before');
        return;
      }
      if (kind === 'linkbacks') {
        if (await this.insertLinkbackOf(em, c, post, key, sources)) {
          known.set(id, { id: null, depth: 0 });
          added++;
        }
        return;
      }
      const parentId = c.parent.trim();
      if (parentId === '' || parentId === '0') return insert(c, null);
      const parent = known.get(parentId);
      if (parent) return insert(c, parent.id === null ? null : parent);
      const list = waiting.get(parentId) ?? [];
      list.push(c);
      waiting.set(parentId, list);
    });
    // Replies to comments the file does not hold become top-level comments.
    for (const list of waiting.values()) {
      for (const c of list) {
        this.summary.note('replies to a comment not in the file, made top-level');
        await insert(c, null);
      }
    }
    await flushKeys();
    // Comments were stored uncounted: the thread's counters are set from its rows, in this unit.
    if (added > 0) await recountThreads(em, [post.id]);
    if (postExisted && added > 0) this.summary.updated('posts');
  }

  private async insertLinkbackOf(
    em: EntityManager,
    c: WxrComment,
    post: PostRow,
    key: string,
    sources: Set<string>,
  ): Promise<boolean> {
    const kind = LINKBACK_TYPES[c.type.trim()]!;
    const sourceUrl = httpUrl(c.authorUrl, 2000);
    if (!sourceUrl) {
      this.summary.skipped('linkbacks', 'no http(s) source URL');
      return false;
    }
    if (sources.has(sourceUrl)) {
      this.summary.skipped('linkbacks', 'the same source links to the post twice');
      return false;
    }
    sources.add(sourceUrl);
    // A trackback's content is "<strong>title</strong> excerpt", its author the blog's name.
    let title = lineText(c.author);
    let blogName: string | null = null;
    let excerpt = commentText(c.content);
    const strong = /^\s*<strong>([\s\S]*?)<\/strong>([\s\S]*)$/i.exec(c.content);
    if (kind === 'TRACKBACK' && strong) {
      blogName = truncateText(title, 200) || null;
      title = lineText(strong[1]!);
      excerpt = commentText(strong[2]!);
    }
    // Colloquy's own exports carry a pingback's blog name as comment meta.
    const metaBlogName = lineText(c.meta.get(BLOG_NAME_META) ?? '');
    if (metaBlogName) blogName = truncateText(metaBlogName, 200);
    const row = await insertLinkback(em, {
      postId: post.id,
      kind,
      sourceUrl,
      title: truncateText(title, 300) || null,
      excerpt: excerpt ? truncateText(excerpt.replace(/\s+/g, ' '), 1000) : null,
      blogName,
      status: commentStatusOf(c.approved),
      createdAt: itemDate(c.dateGmt, c.date) ?? post.createdAt,
    });
    await this.remember(em, 'linkback', commentKey(key, c.commentId), row.id);
    this.summary.imported('linkbacks');
    return true;
  }
}

/** Every post is in a category in WordPress, Uncategorized when none was chosen: it says nothing. */
const isDefaultCategory = (taxonomy: string, slug: string) =>
  taxonomy === 'category' && slug.trim() === 'uncategorized';

/** The old URLs of a post: its permalink and WordPress's ?p=<id>, which answers for every post. */
const legacyKeysOf = (post: WxrPost) =>
  new Set([legacyKeyOfLink(post.link), legacyKeyOfPostId(post.postId.trim())]);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.trim());
  } catch {
    return text.trim();
  }
}
