import { RemoteFetcher } from '../../lib/remote/fetch.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { daysBefore, RETENTION_EVERY_MS } from '../jobs/recurring.js';
import { defineModule, type ModuleDeps } from '../module.js';
import type { EditorialHooks } from '../posts/hooks.js';
import type { PostsService } from '../posts/posts.service.js';
import { linkbackEntities, type LinkbackRow } from './entities.js';
import { linkbackModerationTypeDefs } from './linkback-moderation.graphql.js';
import { linkbackModerationResolvers } from './linkback-moderation.resolvers.js';
import { LinkbackModerationService } from './linkback-moderation.service.js';
import { linkbacksTypeDefs } from './linkbacks.graphql.js';
import { linkbacksResolvers } from './linkbacks.resolvers.js';
import { registerLinkbackRoutes } from './linkbacks.routes.js';
import {
  LinkbacksService,
  type LinkbackSlice,
  type LinkbackSliceKey,
} from './linkbacks.service.js';
import { LinkbackReceiver, WEBMENTION_JOB } from './receiver.js';
import { PRUNE_PINGS_JOB, pruneIncomingPings } from './retention.js';
import { LinkbackSender, SEND_JOB } from './sender.js';
import { SourceVerifier } from './verification.js';
import DataLoader from 'dataloader';
import {
  decodeCursor,
  pageOfRows,
  pageSize,
  type Cursor,
  type Page,
  type PageArgs,
} from '../../lib/pagination.js';
import { LinkbackCounters1795479100000 } from './migrations/1795479100000-linkback-counters.js';

/** Where a linkback stands in the approved list: its page cursors. */
const linkbackCursorKey = (l: LinkbackRow): Cursor => ({ time: l.createdAt.getTime(), id: l.id });

/** Trackbacks, pingbacks and webmentions: received, verified, moderated and sent. */
export const linkbacksModule = defineModule({
  name: 'linkbacks',
  typeDefs: [linkbacksTypeDefs, linkbackModerationTypeDefs],
  resolvers: [linkbacksResolvers, linkbackModerationResolvers],
  entities: linkbackEntities,
  privateTables: ['incoming_pings', 'outgoing_pings'],
  migrations: [LinkbackCounters1795479100000],
  mappers: {
    Linkback: 'entities.js#LinkbackRow',
    OutgoingPing: 'entities.js#OutgoingPingRow',
    EditorLinkback: 'entities.js#LinkbackRow',
  },
  services: (
    deps: ModuleDeps<{ posts: PostsService; jobs: JobQueue; editorialHooks: EditorialHooks }>,
  ) => {
    const { db, config, events, posts, jobs, editorialHooks } = deps;
    // Read at each fetch: main() settles PUBLIC_URL only once the port is known.
    const fetcher = new RemoteFetcher(
      config.remoteFetch,
      () => `Colloquy/0.1 (+${config.publicUrl})`,
    );
    const linkbacks = new LinkbacksService({ db, config, events, posts });
    const linkbackSender = new LinkbackSender({ db, config, posts, jobs, fetcher });
    // Publishing a post pings the pages it links to (and, after an edit, the ones it no longer links to).
    editorialHooks.onPostPublished ??= async (postId, previousHtml) => {
      if (previousHtml === null) await linkbackSender.postPublished(postId);
      else await linkbackSender.postUpdated(postId, previousHtml);
    };
    return {
      linkbacks,
      linkbackModeration: new LinkbackModerationService({ db, events, posts }),
      linkbackReceiver: new LinkbackReceiver({
        db,
        linkbacks,
        posts,
        verifier: new SourceVerifier(fetcher),
        jobs,
      }),
      linkbackSender,
    };
  },
  loaders: ({ linkbacks }) => {
    // Every slice a request asks for (pages and counts, of any post) in one statement.
    const slices = new DataLoader<LinkbackSliceKey, LinkbackSlice, string>(
      (keys) => linkbacks.approvedSlices(keys),
      {
        cacheKeyFn: ({ postId, limit, after }) =>
          `${postId}:${limit}:${after ? `${after.time}:${after.id}` : ''}`,
        maxBatchSize: 100,
      },
    );
    return {
      /** A page of the post's approved linkbacks, oldest first, with their count (its counter). */
      approvedLinkbacks: async (postId: number, args: PageArgs): Promise<Page<LinkbackRow>> => {
        const size = pageSize(args.first);
        const after = args.after ? decodeCursor(args.after) : null;
        const { rows, approved } = await slices.load({ postId, limit: size + 1, after });
        return pageOfRows(rows, size, linkbackCursorKey, approved);
      },
      /** How many approved linkbacks the post has: its counter, no linkback read. */
      approvedLinkbackCount: async (postId: number): Promise<number> =>
        (await slices.load({ postId, limit: 0, after: null })).approved,
    };
  },
  routes: (app, { linkbackReceiver, linkbacks, posts }) =>
    registerLinkbackRoutes(app, { linkbackReceiver, linkbacks, posts }),
  jobs: ({ db, config, linkbackReceiver, linkbackSender }) => ({
    [PRUNE_PINGS_JOB]: async () =>
      void (await pruneIncomingPings(
        db,
        daysBefore(new Date(), config.retention.incomingPingsDays),
      )),
    [WEBMENTION_JOB]: (payload, attempt) =>
      linkbackReceiver.processWebmention((payload as { pingId: number }).pingId, attempt),
    [SEND_JOB]: (payload, attempt) =>
      linkbackSender.send((payload as { outgoingPingId: number }).outgoingPingId, attempt),
  }),
  recurring: { [PRUNE_PINGS_JOB]: RETENTION_EVERY_MS },
});
