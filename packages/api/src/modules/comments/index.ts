import type { DiscussionSettingsService } from '../discussion/discussion-settings.service.js';
import { defineModule, type ModuleDeps } from '../module.js';
import type { PostsService } from '../posts/posts.service.js';
import { commentModerationTypeDefs } from './comment-moderation.graphql.js';
import { commentModerationResolvers } from './comment-moderation.resolvers.js';
import { CommentModerationService } from './comment-moderation.service.js';
import { CommentThreadsService } from './comment-threads.service.js';
import { commentsTypeDefs } from './comments.graphql.js';
import { commentsResolvers } from './comments.resolvers.js';
import { CommentsService } from './comments.service.js';
import { commentEntities } from './entities.js';
import { ThreadCounters1795479000000 } from './migrations/1795479000000-thread-counters.js';
import { IdentifyingDataIndex1795479550000 } from './migrations/1795479550000-identifying-data-index.js';
import { EmailMatchIndex1795479560000 } from './migrations/1795479560000-email-match-index.js';
import { CommentPipeline, type CommentHooks } from './pipeline.js';
import { CommentsPersonalData } from './personal-data.js';
import { ANONYMISE_IPS_JOB, CommentRetention } from './retention.js';
import { RETENTION_EVERY_MS } from '../jobs/recurring.js';
import { ThreadLoader } from './thread-loader.js';

/** Comments: the reader's thread, the submission pipeline, the moderation queue. */
export const commentsModule = defineModule({
  name: 'comments',
  typeDefs: [commentsTypeDefs, commentModerationTypeDefs],
  resolvers: [commentsResolvers, commentModerationResolvers],
  entities: commentEntities,
  migrations: [
    ThreadCounters1795479000000,
    IdentifyingDataIndex1795479550000,
    EmailMatchIndex1795479560000,
  ],
  mappers: {
    Comment: 'thread.js#CommentNode',
    EditorComment: 'entities.js#CommentRow',
  },
  services: ({
    db,
    events,
    posts,
    discussionSettings,
  }: ModuleDeps<{ posts: PostsService; discussionSettings: DiscussionSettingsService }>) => {
    // Filled in by later modules (mail: "notify me of replies").
    const commentHooks: CommentHooks = {};
    return {
      comments: new CommentsService({
        db,
        events,
        posts,
        pipeline: new CommentPipeline({ db, events, posts, hooks: commentHooks }),
      }),
      commentThreads: new CommentThreadsService({ db }),
      commentModeration: new CommentModerationService({ db, events, posts }),
      commentRetention: new CommentRetention({ db, discussionSettings }),
      commentHooks,
    };
  },
  loaders: ({ commentThreads }) => ({
    threads: new ThreadLoader(commentThreads),
  }),
  jobs: ({ commentRetention }) => ({
    [ANONYMISE_IPS_JOB]: async () => void (await commentRetention.anonymiseOld()),
  }),
  recurring: { [ANONYMISE_IPS_JOB]: RETENTION_EVERY_MS },
  personalData: ({ db }) => ({ comments: new CommentsPersonalData({ db }) }),
});
