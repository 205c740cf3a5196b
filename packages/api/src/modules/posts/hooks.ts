import type { Database } from '../../db/database.js';
import type { PostRow } from './entities.js';
import { isVisible } from './visibility.js';

/**
 * What other parts may plug into the editorial API. `onPostPublished` runs
 * once a post becomes visible to readers (published now, or its scheduled
 * time came: then from the job worker, see operations/going-live.ts; with
 * previousHtml null) and after an update of a visible post (with the HTML
 * readers saw before). Publishing a post that is visible already does not
 * run it. Its failure does not undo the publication.
 */
export interface EditorialHooks {
  onPostPublished?: (postId: number, previousHtml: string | null) => Promise<void>;
}

/**
 * Tells the hook that `post` was published or changed, once the open unit of
 * work has committed: the hook then reads what readers will read, and a
 * failure (reported by the database's onError) cannot undo the write. Call it
 * inside db.write, so that the hook has run when the write resolves.
 */
export function announcePublished(
  deps: { db: Database; hooks: EditorialHooks },
  post: PostRow,
  previousHtml: string | null = null,
): void {
  const hook = deps.hooks.onPostPublished;
  if (!hook) return;
  deps.db.afterCommit(async () => {
    if (isVisible(post)) await hook(post.id, previousHtml);
  });
}
