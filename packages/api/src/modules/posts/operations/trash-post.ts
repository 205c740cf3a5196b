import type { PostRow } from '../entities.js';
import type { Viewer } from '../../auth/viewer.js';
import type { UserError } from '../../../lib/user-errors.js';
import { messages } from '../messages.js';
import {
  fail,
  setStatus,
  userError,
  withPost,
  type PostEditorDeps,
  type PostPayload,
} from './post-operation.js';

/** Moves the post to the trash, whatever its status. */
export function trashPost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  id: string,
): Promise<PostPayload> {
  return withPost(
    deps.db,
    viewer,
    id,
    'post:delete',
    (post) => setStatus(deps, post, 'TRASH', post.publishedAt),
    { allowTrash: true },
  );
}

/** Out of the trash as a draft: publishing it again is a deliberate step. */
export function restorePost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  id: string,
): Promise<PostPayload> {
  return withPost(
    deps.db,
    viewer,
    id,
    'post:delete',
    async (post) =>
      post.status !== 'TRASH'
        ? fail(userError('id', 'NOT_IN_TRASH', messages.notInTrashToRestore))
        : setStatus(deps, post, 'DRAFT', null),
    { allowTrash: true },
  );
}

/** Deletes a trashed post for good, with its comments, linkbacks and revisions. */
export async function deletePost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  id: string,
): Promise<{ deletedId: number | null; errors: UserError[] }> {
  const result = await withPost(
    deps.db,
    viewer,
    id,
    'post:delete',
    async (post) => {
      if (post.status !== 'TRASH')
        return fail(userError('id', 'NOT_IN_TRASH', messages.notInTrash));
      await deps.db.write((em) => {
        // In the trash: readers saw nothing of it, nor of its comments and linkbacks.
        deps.db.changed();
        return em.getRepository<PostRow>('Post').delete(post.id);
      });
      return { post, errors: [] };
    },
    { allowTrash: true },
  );
  return {
    deletedId: result.errors.length ? null : (result.post?.id ?? null),
    errors: result.errors,
  };
}
