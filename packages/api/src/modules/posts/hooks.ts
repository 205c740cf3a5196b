import type { Database } from '../../db/database.js';
import type { PostRow } from './entities.js';
import { isVisible } from './visibility.js';

/**
 * What other parts may plug into the editorial API. `onPostPublished` runs
 * after a post that readers can see was published or changed (publish now,
 * or an update of a published post, with the HTML readers saw before; not
 * when a scheduled time arrives, as nothing runs then). Its failure does not
 * undo the publication.
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
