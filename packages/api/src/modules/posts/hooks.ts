/**
 * What other modules may plug into the editorial API. `onPostPublished` runs
 * after a post that readers can see was published or changed (publish now,
 * or an update of a published post, with the HTML readers saw before; not
 * when a scheduled time arrives, as nothing runs then). Its failure does not
 * undo the publication.
 */
export interface EditorialHooks {
  onPostPublished?: (postId: number, previousHtml: string | null) => Promise<void>;
}
