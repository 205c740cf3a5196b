import type { PostRow } from '../entities.js';
import type { Viewer } from '../../auth/viewer.js';
import { announcePublished } from '../hooks.js';
import { messages } from '../messages.js';
import { isVisible } from '../visibility.js';
import {
  fail,
  postChanged,
  setStatus,
  userError,
  withPost,
  type PostEditorDeps,
  type PostPayload,
} from './post-operation.js';
import { updateOne } from '../../../db/database.js';

const TEN_YEARS_MS = 10 * 366 * 24 * 3600_000;

/**
 * Publishes now, or schedules for `publishAt`: a scheduled post is simply
 * PUBLISHED with a future publishedAt, which readers do not see until then
 * (no job runs). Publishing an already visible post keeps its date.
 */
export function publishPost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  id: string,
  publishAt: Date | null | undefined,
): Promise<PostPayload> {
  return withPost(deps.db, viewer, id, 'post:publish', async (post) => {
    const now = new Date();
    if (publishAt != null) {
      if (publishAt.getTime() <= now.getTime())
        return fail(userError('publishAt', 'IN_THE_PAST', messages.publishAtInPast));
      if (publishAt.getTime() > now.getTime() + TEN_YEARS_MS)
        return fail(userError('publishAt', 'TOO_FAR', messages.publishAtTooFar));
    }
    const publishedAt = publishAt ?? (isVisible(post, now) ? post.publishedAt! : now);
    const saved = await deps.db.write(async (em) => {
      const row = await updateOne<PostRow>(em, 'Post', post.id, {
        status: 'PUBLISHED',
        publishedAt,
        updatedAt: now,
      });
      postChanged(deps.db, post, row);
      // A scheduled post is not announced: readers cannot see it yet.
      announcePublished(deps, row);
      return row;
    });
    return { post: saved, errors: [] };
  });
}

/** Takes the post off the site, back to a draft. */
export function unpublishPost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  id: string,
): Promise<PostPayload> {
  return withPost(deps.db, viewer, id, 'post:publish', (post) =>
    setStatus(deps.db, post, 'DRAFT', null),
  );
}
