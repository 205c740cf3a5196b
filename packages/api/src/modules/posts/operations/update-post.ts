import { updateOne } from '../../../db/database.js';
import type { PostRow } from '../entities.js';
import type { Viewer } from '../../auth/viewer.js';
import { renderPostContent } from '../content.js';
import { announcePublished } from '../hooks.js';
import { messages } from '../messages.js';
import { isVisible } from '../visibility.js';
import { check, type CheckedPost, type PostInput } from './post-input.js';
import {
  fail,
  emitVisibility,
  postChanged,
  userError,
  withPost,
  type PostEditorDeps,
  type PostPayload,
} from './post-operation.js';
import { replaceTags } from './replace-tags.js';
import { resolveSlug } from './resolve-slug.js';
import { recordRevision, textOf } from './revisions.js';

/** Changes what the input names; keeps a revision when the text changed. */
export function updatePost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  id: string,
  input: PostInput,
): Promise<PostPayload> {
  return withPost(deps.db, viewer, id, 'post:edit', async (post, me) => {
    const checked = check(input, post);
    if (checked.errors.length > 0) return fail(...checked.errors);
    return writePostText(deps, post, me, checked, input);
  });
}

/**
 * Stores checked text (and the input's flags) on an existing post in one
 * unit of work, records the revision, and tells the publish hook when
 * readers can see the post.
 */
export function writePostText(
  deps: PostEditorDeps,
  post: PostRow,
  me: Viewer,
  checked: CheckedPost,
  input: PostInput,
): Promise<PostPayload> {
  const { text } = checked;
  return deps.db.write(async (em): Promise<PostPayload> => {
    const slug = await resolveSlug(em, checked.slug, text.title, post.id);
    if (!slug) return fail(userError('slug', 'SLUG_TAKEN', messages.slugTaken));
    const before = await textOf(em, post);
    // Only the columns this operation owns: a status change committed meanwhile stays.
    const saved = await updateOne<PostRow>(em, 'Post', post.id, {
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
    postChanged(deps.db, post, saved);
    // Its status is not written here: visible before (as far as this unit sees) as after.
    await emitVisibility(deps.events, saved, saved, { edited: true });
    if (!checked.keepTags) await replaceTags(em, post.id, checked.tags);
    await recordRevision(em, post, before, await textOf(em, saved), me);
    // The previous HTML lets the hook tell links that were removed (readers saw them until now).
    announcePublished(deps, saved, isVisible(post) ? post.contentHtml : null);
    return { post: saved, errors: [] };
  });
}
