import type { Database } from '../../db/database.js';
import type { DiscussionSettingsService } from '../discussion/discussion-settings.service.js';
import { In, type EntityManager } from 'typeorm';
import type {
  ContentFormat,
  PostRevisionRow,
  PostRow,
  PostTagRow,
  TagRow,
} from '../../db/entities.js';
import { assertReach } from '../../lib/access.js';
import {
  containsPattern,
  pageNewestFirst,
  type Page,
  type PageArgs,
} from '../../lib/pagination.js';
import { SLUG, slugify } from '../../lib/slug.js';
import { assertCan, can, requireViewer } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import { parseId } from '../comments/comments.service.js';
import { clean, type UserError } from '../comments/validation.js';
import { excerptFrom, renderPostContent } from './content.js';
import { announcePublished, type EditorialHooks } from './hooks.js';
import { LIMITS, messages } from './messages.js';
import { editorStatusCondition, isVisible, type EditorPostStatus } from './visibility.js';

export { editorStatus, isVisible, type EditorPostStatus } from './visibility.js';

/** The fields an editor sets; on update, a field left out (or null) keeps its value. */
export interface PostInput {
  title?: string | null;
  slug?: string | null;
  content?: string | null;
  contentFormat?: ContentFormat | null;
  excerpt?: string | null;
  tags?: readonly string[] | null;
  commentsOpen?: boolean | null;
  pingsOpen?: boolean | null;
}

export interface PostPayload {
  post: PostRow | null;
  errors: UserError[];
}

export interface EditorPostListArgs extends PageArgs {
  status?: EditorPostStatus | null;
  search?: string | null;
}

interface TagInput {
  name: string;
  slug: string;
}

/** The revisioned part of a post: what Post.revisions keeps and restorePostRevision brings back. */
interface PostText {
  title: string;
  contentSource: string;
  contentFormat: ContentFormat;
  excerpt: string;
  tags: string[];
}

const TAG_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u;
const TEN_YEARS_MS = 10 * 366 * 24 * 3600_000;

const error = (field: string | null, code: string, message: string): UserError => ({
  field,
  code,
  message,
});
const fail = (...errors: UserError[]): PostPayload => ({ post: null, errors });
const codePoints = (text: string) => Array.from(text).length;

function normalizeTags(names: readonly string[]): { tags: TagInput[]; errors: UserError[] } {
  const errors: UserError[] = [];
  const bySlug = new Map<string, TagInput>();
  for (const raw of names) {
    const name = clean(raw).replace(/^#+/, '').replace(/\s+/g, ' ').trim();
    if (!name) continue;
    const slug = slugify(name);
    if (codePoints(name) > LIMITS.tagName)
      errors.push(error('tags', 'TOO_LONG', messages.tagTooLong(name.slice(0, 40))));
    else if (!TAG_NAME.test(name) || !slug)
      errors.push(error('tags', 'INVALID_TAG', messages.tagInvalid(name)));
    else if (!bySlug.has(slug)) bySlug.set(slug, { name, slug });
  }
  if (bySlug.size > LIMITS.tags) errors.push(error('tags', 'TOO_MANY', messages.tooManyTags));
  return { tags: [...bySlug.values()], errors };
}

/**
 * Writing posts: drafts, publication (now or scheduled), trash, revisions.
 * Every check goes through the policy module with the post's author as
 * subject; bad input comes back as UserErrors and writes nothing.
 */
export class PostEditorService {
  constructor(
    private readonly deps: {
      db: Database;
      hooks: EditorialHooks;
      discussionSettings: DiscussionSettingsService;
    },
  ) {}

  private get repo() {
    return this.deps.db.read.getRepository<PostRow>('Post');
  }

  private async load(id: string): Promise<PostRow | null> {
    const postId = parseId(id);
    return postId === null ? null : this.repo.findOneBy({ id: postId });
  }

  /** Any post, whatever its status; null for an unknown id. FORBIDDEN for posts the viewer may not read drafts of. */
  async findForEditor(viewer: Viewer | null, id: string): Promise<PostRow | null> {
    assertReach(viewer, 'post:readDrafts');
    const post = await this.load(id);
    if (post) assertCan(viewer, 'post:readDrafts', { authorId: post.authorId });
    return post;
  }

  /** Every post the viewer may read drafts of (an AUTHOR: their own), most recently updated first. */
  async list(viewer: Viewer | null, args: EditorPostListArgs): Promise<Page<PostRow>> {
    const { viewer: me, reach } = assertReach(viewer, 'post:readDrafts');
    const qb = this.repo.createQueryBuilder('p').where('1 = 1');
    if (reach === 'own') qb.andWhere('p.authorId = :me', { me: me.authorId });
    const status = editorStatusCondition('p', args.status, this.deps.db);
    qb.andWhere(status.where, status.parameters);
    const search = clean(args.search);
    if (search)
      qb.andWhere("LOWER(p.title) LIKE :search ESCAPE '\\'", { search: containsPattern(search) });
    return pageNewestFirst(qb, { time: 'p.updatedAt', id: 'p.id' }, (p) => p.updatedAt, args);
  }

  /** Revisions of a post, newest first. */
  revisions(viewer: Viewer | null, post: PostRow): Promise<PostRevisionRow[]> {
    this.assertCanSeeSource(viewer, post);
    return this.deps.db.read.getRepository<PostRevisionRow>('PostRevision').find({
      where: { postId: post.id },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /** The editor-only face of a post (source, revisions): for those who may read its drafts or edit it. */
  assertCanSeeSource(viewer: Viewer | null, post: PostRow): void {
    const subject = { authorId: post.authorId };
    if (!can(viewer, 'post:readDrafts', subject) && !can(viewer, 'post:edit', subject))
      assertCan(viewer, 'post:readDrafts', subject);
  }

  /** Creates a draft credited to the viewer's author profile. */
  async create(viewer: Viewer | null, input: PostInput & { title: string }): Promise<PostPayload> {
    const me = assertCan(viewer, 'post:create', viewer ? { authorId: viewer.authorId } : undefined);
    const checked = this.check(input, null);
    if (checked.errors.length > 0) return fail(...checked.errors);
    const { text, slug, tags } = checked;
    const now = new Date();
    const { commentsOpenByDefault } = await this.deps.discussionSettings.get();
    return this.deps.db.write(async (em) => {
      const finalSlug = await this.resolveSlug(em, slug, text.title, null);
      if (!finalSlug) return fail(error('slug', 'SLUG_TAKEN', messages.slugTaken));
      const post = await em.getRepository<PostRow>('Post').save({
        slug: finalSlug,
        title: text.title,
        contentSource: text.contentSource,
        contentFormat: text.contentFormat,
        contentHtml: renderPostContent(text.contentSource, text.contentFormat),
        excerpt: text.excerpt,
        status: 'DRAFT',
        publishedAt: null,
        createdAt: now,
        updatedAt: now,
        authorId: me.authorId,
        commentsOpen: input.commentsOpen ?? commentsOpenByDefault,
        pingsOpen: input.pingsOpen ?? true,
      });
      await saveTags(em, post.id, tags);
      await saveRevision(em, post.id, await textOf(em, post), me);
      return { post, errors: [] };
    });
  }

  /** Changes what the input names; keeps a revision when the text changed. */
  async update(viewer: Viewer | null, id: string, input: PostInput): Promise<PostPayload> {
    return this.withPost(viewer, id, 'post:edit', async (post, me) => {
      const checked = this.check(input, post);
      if (checked.errors.length > 0) return fail(...checked.errors);
      return this.applyText(post, me, checked, input);
    });
  }

  /** Brings a revision's text back (title, content, excerpt, tags); that itself is a new revision. */
  async restoreRevision(viewer: Viewer | null, revisionId: string): Promise<PostPayload> {
    requireViewer({ viewer });
    const id = parseId(revisionId);
    const revision =
      id === null
        ? null
        : await this.deps.db.read.getRepository<PostRevisionRow>('PostRevision').findOneBy({ id });
    if (!revision) return fail(error('revisionId', 'NOT_FOUND', messages.revisionNotFound));
    return this.withPost(viewer, String(revision.postId), 'post:edit', async (post, me) => {
      const input: PostInput = {
        title: revision.title,
        content: revision.contentSource,
        contentFormat: revision.contentFormat,
        excerpt: revision.excerpt,
        tags: JSON.parse(revision.tags) as string[],
      };
      const checked = this.check(input, post);
      if (checked.errors.length > 0) return fail(...checked.errors);
      return this.applyText(post, me, checked, input);
    });
  }

  /**
   * Publishes now, or schedules for `publishAt`: a scheduled post is simply
   * PUBLISHED with a future publishedAt, which readers do not see until then
   * (no job runs). Publishing an already visible post keeps its date.
   */
  async publish(
    viewer: Viewer | null,
    id: string,
    publishAt: Date | null | undefined,
  ): Promise<PostPayload> {
    return this.withPost(viewer, id, 'post:publish', async (post) => {
      const now = new Date();
      if (publishAt != null) {
        if (publishAt.getTime() <= now.getTime())
          return fail(error('publishAt', 'IN_THE_PAST', messages.publishAtInPast));
        if (publishAt.getTime() > now.getTime() + TEN_YEARS_MS)
          return fail(error('publishAt', 'TOO_FAR', messages.publishAtTooFar));
      }
      const publishedAt = publishAt ?? (isVisible(post, now) ? post.publishedAt! : now);
      const saved = await this.deps.db.write(async (em) => {
        const row = await em.getRepository<PostRow>('Post').save({
          ...post,
          status: 'PUBLISHED',
          publishedAt,
          updatedAt: now,
        });
        // A scheduled post is not announced: readers cannot see it yet.
        announcePublished(this.deps, row);
        return row;
      });
      return { post: saved, errors: [] };
    });
  }

  /** Takes the post off the site, back to a draft. */
  unpublish(viewer: Viewer | null, id: string): Promise<PostPayload> {
    return this.withPost(viewer, id, 'post:publish', (post) => this.setStatus(post, 'DRAFT', null));
  }

  trash(viewer: Viewer | null, id: string): Promise<PostPayload> {
    return this.withPost(
      viewer,
      id,
      'post:delete',
      (post) => this.setStatus(post, 'TRASH', post.publishedAt),
      { allowTrash: true },
    );
  }

  /** Out of the trash as a draft: publishing it again is a deliberate step. */
  restore(viewer: Viewer | null, id: string): Promise<PostPayload> {
    return this.withPost(
      viewer,
      id,
      'post:delete',
      async (post) =>
        post.status !== 'TRASH'
          ? fail(error('id', 'NOT_IN_TRASH', messages.notInTrashToRestore))
          : this.setStatus(post, 'DRAFT', null),
      { allowTrash: true },
    );
  }

  /** Deletes a trashed post for good, with its comments, linkbacks and revisions. */
  async delete(
    viewer: Viewer | null,
    id: string,
  ): Promise<{ deletedId: number | null; errors: UserError[] }> {
    const result = await this.withPost(
      viewer,
      id,
      'post:delete',
      async (post) => {
        if (post.status !== 'TRASH') return fail(error('id', 'NOT_IN_TRASH', messages.notInTrash));
        await this.deps.db.write((em) => em.getRepository<PostRow>('Post').delete(post.id));
        return { post, errors: [] };
      },
      { allowTrash: true },
    );
    return {
      deletedId: result.errors.length ? null : (result.post?.id ?? null),
      errors: result.errors,
    };
  }

  /**
   * Loads the post, asks the policy whether the viewer may do `action` to it
   * (FORBIDDEN otherwise), refuses trashed posts unless told, then runs `work`.
   */
  private async withPost(
    viewer: Viewer | null,
    id: string,
    action: 'post:edit' | 'post:publish' | 'post:delete',
    work: (post: PostRow, me: Viewer) => Promise<PostPayload>,
    options: { allowTrash?: boolean } = {},
  ): Promise<PostPayload> {
    requireViewer({ viewer });
    const post = await this.load(id);
    if (!post) {
      assertReach(viewer, action);
      return fail(error('id', 'NOT_FOUND', messages.postNotFound));
    }
    const me = assertCan(viewer, action, { authorId: post.authorId });
    if (post.status === 'TRASH' && !options.allowTrash)
      return fail(error('id', 'IN_TRASH', messages.inTrash));
    return work(post, me);
  }

  private async setStatus(
    post: PostRow,
    status: PostRow['status'],
    publishedAt: Date | null,
  ): Promise<PostPayload> {
    const saved = await this.deps.db.write((em) =>
      em
        .getRepository<PostRow>('Post')
        .save({ ...post, status, publishedAt, updatedAt: new Date() }),
    );
    return { post: saved, errors: [] };
  }

  /** Validates the input against the post's current state (null when creating). */
  private check(
    input: PostInput,
    post: PostRow | null,
  ): {
    text: PostText;
    slug: string | null;
    tags: TagInput[];
    keepTags: boolean;
    errors: UserError[];
  } {
    const errors: UserError[] = [];

    const title =
      input.title == null ? (post?.title ?? '') : clean(input.title).replace(/\s+/g, ' ');
    if (!title) errors.push(error('title', 'REQUIRED', messages.titleRequired));
    else if (codePoints(title) > LIMITS.title)
      errors.push(error('title', 'TOO_LONG', messages.titleTooLong));

    // An empty slug means "make one from the title".
    const slug = input.slug == null ? null : clean(input.slug);
    if (slug && slug.length > LIMITS.slug)
      errors.push(error('slug', 'TOO_LONG', messages.slugTooLong));
    else if (slug && !SLUG.test(slug))
      errors.push(error('slug', 'INVALID_SLUG', messages.slugInvalid));

    const contentSource = input.content ?? post?.contentSource ?? '';
    const contentFormat = input.contentFormat ?? post?.contentFormat ?? 'HTML';
    if (contentSource.length > LIMITS.content)
      errors.push(error('content', 'TOO_LONG', messages.contentTooLong));

    const excerptInput = input.excerpt == null ? null : clean(input.excerpt).replace(/\s+/g, ' ');
    if (excerptInput && codePoints(excerptInput) > LIMITS.excerpt)
      errors.push(error('excerpt', 'TOO_LONG', messages.excerptTooLong));

    const { tags, errors: tagErrors } = normalizeTags(input.tags ?? []);
    errors.push(...tagErrors);

    let excerpt = '';
    if (errors.length === 0) {
      const html = renderPostContent(contentSource, contentFormat);
      // A generated excerpt follows the content; one the editor wrote stays.
      const wasGenerated = !post || post.excerpt === excerptFrom(post.contentHtml);
      excerpt =
        excerptInput === null && post && !wasGenerated
          ? post.excerpt
          : excerptInput || excerptFrom(html);
    }
    return {
      text: { title, contentSource, contentFormat, excerpt, tags: tags.map((t) => t.name) },
      slug: slug || (post && input.slug == null ? post.slug : null),
      tags,
      keepTags: input.tags == null && post !== null,
      errors,
    };
  }

  private async applyText(
    post: PostRow,
    me: Viewer,
    checked: ReturnType<PostEditorService['check']>,
    input: PostInput,
  ): Promise<PostPayload> {
    const { text } = checked;
    return this.deps.db.write(async (em): Promise<PostPayload> => {
      const slug = await this.resolveSlug(em, checked.slug, text.title, post.id);
      if (!slug) return fail(error('slug', 'SLUG_TAKEN', messages.slugTaken));
      const before = await textOf(em, post);
      const saved = await em.getRepository<PostRow>('Post').save({
        ...post,
        slug,
        title: text.title,
        contentSource: text.contentSource,
        contentFormat: text.contentFormat,
        contentHtml: renderPostContent(text.contentSource, text.contentFormat),
        excerpt: text.excerpt,
        commentsOpen: input.commentsOpen ?? post.commentsOpen,
        pingsOpen: input.pingsOpen ?? post.pingsOpen,
        updatedAt: new Date(),
      });
      if (!checked.keepTags) await saveTags(em, post.id, checked.tags);
      const after = await textOf(em, saved);
      if (!sameText(before, after)) {
        const revisions = em.getRepository<PostRevisionRow>('PostRevision');
        // Posts made before revisions existed (the seed) keep their first version too.
        if (!(await revisions.existsBy({ postId: post.id })))
          await saveRevision(em, post.id, before, null, post.updatedAt);
        await saveRevision(em, post.id, after, me);
      }
      // The previous HTML lets the hook tell links that were removed (readers saw them until now).
      announcePublished(this.deps, saved, isVisible(post) ? post.contentHtml : null);
      return { post: saved, errors: [] };
    });
  }

  /**
   * The slug to store: the one asked for when it is free (null when another
   * post has it), the post's own, or one made from the title with -2, -3 …
   * appended until it is free.
   */
  private async resolveSlug(
    em: EntityManager,
    wanted: string | null,
    title: string,
    postId: number | null,
  ): Promise<string | null> {
    const posts = em.getRepository<PostRow>('Post');
    if (wanted) {
      const owner = await posts.findOne({ select: ['id'], where: { slug: wanted } });
      return owner && owner.id !== postId ? null : wanted;
    }
    const base = slugify(title, LIMITS.generatedSlug) || 'post';
    const taken = new Set(
      (
        await posts
          .createQueryBuilder('p')
          .select('p.slug', 'slug')
          .where('(p.slug = :base OR p.slug LIKE :pattern)', { base, pattern: `${base}-%` })
          .andWhere(postId === null ? '1 = 1' : 'p.id <> :postId', { postId })
          .getRawMany<{ slug: string }>()
      ).map((r) => r.slug),
    );
    if (!taken.has(base)) return base;
    // At most taken.size + 1 tries: one of the first taken.size + 1 suffixes is free.
    for (let n = 2; n <= taken.size + 2; n++) {
      if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
    }
    return null;
  }
}

/** Sorted tags, so that two versions compare equal whatever order the tags came in. */
function sameText(a: PostText, b: PostText): boolean {
  const key = (t: PostText) => JSON.stringify({ ...t, tags: [...t.tags].sort() });
  return key(a) === key(b);
}

async function textOf(em: EntityManager, post: PostRow): Promise<PostText> {
  const tags = await em
    .createQueryBuilder()
    .select('t.name', 'name')
    .from('post_tags', 'pt')
    .innerJoin('tags', 't', 't.id = pt.tag_id')
    .where('pt.post_id = :postId', { postId: post.id })
    .orderBy('t.name', 'ASC')
    .getRawMany<{ name: string }>();
  return {
    title: post.title,
    contentSource: post.contentSource,
    contentFormat: post.contentFormat,
    excerpt: post.excerpt,
    tags: tags.map((t) => t.name),
  };
}

/** Replaces the post's tags, creating the ones that do not exist yet. */
async function saveTags(em: EntityManager, postId: number, tags: TagInput[]): Promise<void> {
  await em.getRepository<PostTagRow>('PostTag').delete({ postId });
  if (tags.length === 0) return;
  const tagRepo = em.getRepository<TagRow>('Tag');
  // orIgnore: another request may create the same tag at the same moment.
  await tagRepo.createQueryBuilder().insert().values(tags).orIgnore().execute();
  const rows = await tagRepo.findBy({ slug: In(tags.map((t) => t.slug)) });
  await em.getRepository<PostTagRow>('PostTag').insert(rows.map((t) => ({ postId, tagId: t.id })));
}

async function saveRevision(
  em: EntityManager,
  postId: number,
  text: PostText,
  by: Viewer | null,
  createdAt = new Date(),
): Promise<void> {
  await em.getRepository<PostRevisionRow>('PostRevision').insert({
    postId,
    title: text.title,
    contentSource: text.contentSource,
    contentFormat: text.contentFormat,
    excerpt: text.excerpt,
    tags: JSON.stringify([...text.tags].sort()),
    createdAt,
    userId: by?.userId ?? null,
    createdByName: by?.displayName ?? null,
  });
}
