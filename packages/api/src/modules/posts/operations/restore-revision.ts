import type { PostRevisionRow } from '../entities.js';
import { requireViewer } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { parseId } from '../../../lib/ids.js';
import { messages } from '../messages.js';
import { check, type PostInput } from './post-input.js';
import {
  fail,
  userError,
  withPost,
  type PostEditorDeps,
  type PostPayload,
} from './post-operation.js';
import { writePostText } from './update-post.js';

/** Brings a revision's text back (title, content, excerpt, tags); that itself is a new revision. */
export async function restoreRevision(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  revisionId: string,
): Promise<PostPayload> {
  requireViewer({ viewer });
  const id = parseId(revisionId);
  const revision =
    id === null
      ? null
      : await deps.db.read.getRepository<PostRevisionRow>('PostRevision').findOneBy({ id });
  if (!revision) return fail(userError('revisionId', 'NOT_FOUND', messages.revisionNotFound));
  return withPost(deps.db, viewer, String(revision.postId), 'post:edit', async (post, me) => {
    const input: PostInput = {
      title: revision.title,
      content: revision.contentSource,
      contentFormat: revision.contentFormat,
      excerpt: revision.excerpt,
      tags: JSON.parse(revision.tags) as string[],
    };
    const checked = check(input, post);
    if (checked.errors.length > 0) return fail(...checked.errors);
    return writePostText(deps, post, me, checked, input);
  });
}
