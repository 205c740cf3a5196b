import type { ContentFormat, PostRow } from '../entities.js';
import { SLUG, slugify } from '../../../lib/slug.js';
import { clean } from '../../../lib/text.js';
import type { UserError } from '../../../lib/user-errors.js';
import { excerptFrom, renderPostContent } from '../content.js';
import { LIMITS, messages } from '../messages.js';
import { userError } from './post-operation.js';

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

export interface TagInput {
  name: string;
  slug: string;
}

/** The revisioned part of a post: what Post.revisions keeps and restorePostRevision brings back. */
export interface PostText {
  title: string;
  contentSource: string;
  contentFormat: ContentFormat;
  excerpt: string;
  tags: string[];
}

/** Input checked against the post's current state: what to store, or why not. */
export interface CheckedPost {
  text: PostText;
  /** The slug asked for (or the post's own); null: make one from the title. */
  slug: string | null;
  tags: TagInput[];
  /** The input named no tags: the post keeps the ones it has. */
  keepTags: boolean;
  errors: UserError[];
}

const TAG_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u;
const codePoints = (text: string) => Array.from(text).length;

/** Validates the input against the post's current state (null when creating). */
export function check(input: PostInput, post: PostRow | null): CheckedPost {
  const errors: UserError[] = [];

  const title = input.title == null ? (post?.title ?? '') : clean(input.title).replace(/\s+/g, ' ');
  if (!title) errors.push(userError('title', 'REQUIRED', messages.titleRequired));
  else if (codePoints(title) > LIMITS.title)
    errors.push(userError('title', 'TOO_LONG', messages.titleTooLong));

  // An empty slug means "make one from the title".
  const slug = input.slug == null ? null : clean(input.slug);
  if (slug && slug.length > LIMITS.slug)
    errors.push(userError('slug', 'TOO_LONG', messages.slugTooLong));
  else if (slug && !SLUG.test(slug))
    errors.push(userError('slug', 'INVALID_SLUG', messages.slugInvalid));

  const contentSource = input.content ?? post?.contentSource ?? '';
  const contentFormat = input.contentFormat ?? post?.contentFormat ?? 'HTML';
  if (contentSource.length > LIMITS.content)
    errors.push(userError('content', 'TOO_LONG', messages.contentTooLong));

  const excerptInput = input.excerpt == null ? null : clean(input.excerpt).replace(/\s+/g, ' ');
  if (excerptInput && codePoints(excerptInput) > LIMITS.excerpt)
    errors.push(userError('excerpt', 'TOO_LONG', messages.excerptTooLong));

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

function normalizeTags(names: readonly string[]): { tags: TagInput[]; errors: UserError[] } {
  const errors: UserError[] = [];
  const bySlug = new Map<string, TagInput>();
  for (const raw of names) {
    const name = clean(raw).replace(/^#+/, '').replace(/\s+/g, ' ').trim();
    if (!name) continue;
    const slug = slugify(name);
    if (codePoints(name) > LIMITS.tagName)
      errors.push(userError('tags', 'TOO_LONG', messages.tagTooLong(name.slice(0, 40))));
    else if (!TAG_NAME.test(name) || !slug)
      errors.push(userError('tags', 'INVALID_TAG', messages.tagInvalid(name)));
    else if (!bySlug.has(slug)) bySlug.set(slug, { name, slug });
  }
  if (bySlug.size > LIMITS.tags) errors.push(userError('tags', 'TOO_MANY', messages.tooManyTags));
  return { tags: [...bySlug.values()], errors };
}
