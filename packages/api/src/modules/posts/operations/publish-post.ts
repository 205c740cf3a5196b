import type { PostRow } from '../entities.js';
import type { Viewer } from '../../auth/viewer.js';
import { announcePublished } from '../hooks.js';
import { messages } from '../messages.js';
import { isVisible } from '../visibility.js';
import {
  emitVisibility,
  fail,
  lockedPost,
  postChanged,
  setStatus,
  userError,
  withPost,
  type PostEditorDeps,
  type PostPayload,
} from './post-operation.js';
import { updateOne } from '../../../db/database.js';
import { cancelGoingLive, queueGoingLive } from './going-live.js';

const TEN_YEARS_MS = 10 * 366 * 24 * 3600_000;

/**
 * Publishes now, or schedules for `publishAt`: a scheduled post is simply
 * PUBLISHED with a future publishedAt, which readers do not see until then,
 * and a job queued with the schedule announces it at that time
 * (./going-live.ts). Publishing an already visible post keeps its date and
 * announces nothing: only the publication that makes a post visible does,
 * so two at once announce it (and send its pings) once.
 */
export function publishPost(
  deps: PostEditorDeps,
  viewer: Viewer | null,
  id: string,
  publishAt: Date | null | undefined,
): Promise<PostPayload> {
  return withPost(deps.db, viewer, id, 'post:publish', async (post) => {
    const asked = Date.now();
    if (publishAt != null) {
      if (publishAt.getTime() <= asked)
        return fail(userError('publishAt', 'IN_THE_PAST', messages.publishAtInPast));
      if (publishAt.getTime() > asked + TEN_YEARS_MS)
        return fail(userError('publishAt', 'TOO_FAR', messages.publishAtTooFar));
    }
    const saved = await deps.db.write(async (em) => {
      // Read again under the lock: another publication may have committed since withPost read it.
      const current = await lockedPost(deps.db, em, post.id);
      // The time of the publication is taken under the lock, not before it: one
      // taken earlier can precede the date another process's publication just
      // committed, which would then look scheduled, not visible, and be replaced.
      const now = new Date();
      const wasVisible = isVisible(current, now);
      const row = await updateOne<PostRow>(em, 'Post', post.id, {
        status: 'PUBLISHED',
        publishedAt: publishAt ?? (wasVisible ? current.publishedAt! : now),
        updatedAt: now,
      });
      postChanged(deps.db, current, row);
      await emitVisibility(deps.events, current, row, { now });
      if (publishAt != null) {
        // Announced at its time, by the job worker of whichever process claims the job.
        await queueGoingLive(deps.jobs, row);
      } else if (!wasVisible) {
        await cancelGoingLive(deps.jobs, row.id);
        announcePublished(deps, row);
      }
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
    setStatus(deps, post, 'DRAFT', null),
  );
}
