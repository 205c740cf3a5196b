import type { PostRow } from '../entities.js';
import { assertCan } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { renderPostContent } from '../content.js';
import { messages } from '../messages.js';
import { check, type PostInput } from './post-input.js';
import { fail, userError, type PostEditorDeps, type PostPayload } from './post-operation.js';
import { replaceTags } from './replace-tags.js';
import { resolveSlug } from './resolve-slug.js';
import { saveRevision, textOf } from './revisions.js';

/** Creates a draft credited to the viewer's author profile, with its first revision. */
export async function createPost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  input: PostInput & { title: string },
): Promise<PostPayload> {
  const me = assertCan(viewer, 'post:create', viewer ? { authorId: viewer.authorId } : undefined);
  const checked = check(input, null);
  if (checked.errors.length > 0) return fail(...checked.errors);
  const { text, slug, tags } = checked;
  const now = new Date();
  const { commentsOpenByDefault } = await deps.discussionSettings.get();
  return deps.db.write(async (em) => {
    // A new post is a draft: readers see nothing of it yet.
    deps.db.changed();
    const finalSlug = await resolveSlug(em, slug, text.title, null);
    if (!finalSlug) return fail(userError('slug', 'SLUG_TAKEN', messages.slugTaken));
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
    await replaceTags(em, post.id, tags);
    await saveRevision(em, post.id, await textOf(em, post), me);
    return { post, errors: [] };
  });
}
