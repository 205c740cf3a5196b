import { RemoteFetcher } from '../../lib/remote/fetch.js';
import type { JobQueue } from '../jobs/job-queue.js';
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
import { LinkbacksService } from './linkbacks.service.js';
import { LinkbackReceiver, WEBMENTION_JOB } from './receiver.js';
import { LinkbackSender, SEND_JOB } from './sender.js';
import { SourceVerifier } from './verification.js';
import DataLoader from 'dataloader';
import { fromMap } from '../../lib/loaders.js';
import { LinkbackCounters1795479100000 } from './migrations/1795479100000-linkback-counters.js';

/** Trackbacks, pingbacks and webmentions: received, verified, moderated and sent. */
export const linkbacksModule = defineModule({
  name: 'linkbacks',
  typeDefs: [linkbacksTypeDefs, linkbackModerationTypeDefs],
  resolvers: [linkbacksResolvers, linkbackModerationResolvers],
  entities: linkbackEntities,
  migrations: [LinkbackCounters1795479100000],
  mappers: {
    Linkback: 'entities.js#LinkbackRow',
    OutgoingPing: 'entities.js#OutgoingPingRow',
    EditorLinkback: 'entities.js#LinkbackRow',
  },
  services: (
    deps: ModuleDeps<{ posts: PostsService; jobs: JobQueue; editorialHooks: EditorialHooks }>,
  ) => {
    const { db, config, posts, jobs, editorialHooks } = deps;
    // Read at each fetch: main() settles PUBLIC_URL only once the port is known.
    const fetcher = new RemoteFetcher(
      config.remoteFetch,
      () => `Colloquy/0.1 (+${config.publicUrl})`,
    );
    const linkbacks = new LinkbacksService({ db, config, posts });
    const linkbackSender = new LinkbackSender({ db, config, posts, jobs, fetcher });
    // Publishing a post pings the pages it links to (and, after an edit, the ones it no longer links to).
    editorialHooks.onPostPublished ??= async (postId, previousHtml) => {
      if (previousHtml === null) await linkbackSender.postPublished(postId);
      else await linkbackSender.postUpdated(postId, previousHtml);
    };
    return {
      linkbacks,
      linkbackModeration: new LinkbackModerationService({ db, posts }),
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
  loaders: ({ linkbacks }) => ({
    linkbacks: new DataLoader<number, LinkbackRow[]>(
      fromMap(
        (ids) => linkbacks.approvedByPostIds(ids),
        () => [],
      ),
    ),
  }),
  routes: (app, { linkbackReceiver, linkbacks, posts }) =>
    registerLinkbackRoutes(app, { linkbackReceiver, linkbacks, posts }),
  jobs: ({ linkbackReceiver, linkbackSender }) => ({
    [WEBMENTION_JOB]: (payload) =>
      linkbackReceiver.processWebmention((payload as { pingId: number }).pingId),
    [SEND_JOB]: (payload, attempt) =>
      linkbackSender.send((payload as { outgoingPingId: number }).outgoingPingId, attempt),
  }),
});
