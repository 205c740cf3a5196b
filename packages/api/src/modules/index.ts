import { authModule } from './auth/index.js';
import { commentsModule } from './comments/index.js';
import { discussionModule } from './discussion/index.js';
import { feedsModule } from './feeds/index.js';
import { jobsModule } from './jobs/index.js';
import { linkbacksModule } from './linkbacks/index.js';
import { liveModule } from './live/index.js';
import { mailModule } from './mail/index.js';
import { moderationModule } from './moderation/index.js';
import type { Tables } from '../db/data-source.js';
import type { AnyModule, LoadersOf, ServicesOf } from './module.js';
import { postsModule } from './posts/index.js';
import { privacyModule } from './privacy/index.js';
import { shareModule } from './share/index.js';
import { siteModule } from './site/index.js';
import { webhooksModule } from './webhooks/index.js';
import { wordpressModule } from './wordpress/index.js';

/**
 * Every module of the app, in the order their services are built (a module
 * may use the services of those before it). A new domain is a folder under
 * modules/ with an index.ts, and one line here.
 */
export const modules = [
  siteModule,
  discussionModule,
  authModule,
  // Before posts: a scheduled post's publication is a job, queued with the schedule.
  jobsModule,
  postsModule,
  commentsModule,
  moderationModule,
  linkbacksModule,
  shareModule,
  feedsModule,
  mailModule,
  webhooksModule,
  wordpressModule,
  // Live updates hold no one's data: before privacy, which must stay last.
  liveModule,
  // Last: it asks every module before it for its part of a person's data.
  privacyModule,
] as const;

export type Services = ServicesOf<typeof modules>;
export type Loaders = LoadersOf<typeof modules>;

/** The tables of a list of modules, for createDatabase(). */
export function tablesOf(list: readonly AnyModule[]): Tables {
  return {
    entities: (kind) => list.flatMap((m) => m.entities?.(kind) ?? []),
    migrations: list.flatMap((m) => m.migrations ?? []),
    privateTables: list.flatMap((m) => m.privateTables ?? []),
  };
}

/** The tables of the app's modules. */
export const tables: Tables = tablesOf(modules);
