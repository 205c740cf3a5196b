import DataLoader from 'dataloader';
import type { AuthorRow, LinkbackRow, PostRow, ShareTargetRow, TagRow } from '../db/entities.js';
import type { SettingsSnapshot } from '../db/settings.js';
import type { Thread } from '../modules/comments/thread.js';
import {
  DISCUSSION_SETTINGS_PREFIX,
  type DiscussionSettings,
} from '../modules/discussion/discussion-settings.js';
import { SITE_SETTINGS_PREFIX, type Site } from '../modules/site/site.service.js';
import type { Services } from '../services.js';

function fromMap<K, V>(
  load: (keys: readonly K[]) => Promise<Map<K, V>>,
  missing: (key: K) => V | Error,
) {
  return async (keys: readonly K[]) => {
    const map = await load(keys);
    return keys.map((k) => map.get(k) ?? missing(k));
  };
}

/** Per-request batching and caching: one statement per kind of thing a query asks for. */
export function createLoaders(services: Services) {
  let shareTargets: Promise<ShareTargetRow[]> | undefined;
  // Site and discussion settings come from one statement per request.
  let settings: Promise<SettingsSnapshot> | undefined;
  const readSettings = () =>
    (settings ??= services.settings.read([SITE_SETTINGS_PREFIX, DISCUSSION_SETTINGS_PREFIX]));
  let site: Promise<Site> | undefined;
  let discussionSettings: Promise<DiscussionSettings> | undefined;
  return {
    author: new DataLoader<number, AuthorRow>(
      fromMap(
        (ids) => services.posts.authorsByIds(ids),
        (id) => new Error(`Author ${id} not found`),
      ),
    ),
    tags: new DataLoader<number, TagRow[]>(
      fromMap(
        (ids) => services.posts.tagsByPostIds(ids),
        () => [],
      ),
    ),
    thread: new DataLoader<number, Thread>(
      fromMap(
        (ids) => services.comments.threadsByPostIds(ids),
        (id) => new Error(`Thread ${id} not loaded`),
      ),
    ),
    linkbacks: new DataLoader<number, LinkbackRow[]>(
      fromMap(
        (ids) => services.linkbacks.approvedByPostIds(ids),
        () => [],
      ),
    ),
    /** Posts whatever their status: only for editors' types, whose services checked rights. */
    anyPost: new DataLoader<number, PostRow>(
      fromMap(
        (ids) => services.posts.byIds(ids),
        (id) => new Error(`Post ${id} not found`),
      ),
    ),
    shareTargets: () => (shareTargets ??= services.share.enabledTargets()),
    site: () => (site ??= readSettings().then((s) => services.site.fromSettings(s))),
    discussionSettings: () =>
      (discussionSettings ??= readSettings().then((s) =>
        services.discussionSettings.fromSnapshot(s),
      )),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
