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
import { CommentPipeline, type CommentHooks } from './pipeline.js';
import { ThreadLoader } from './thread-loader.js';

/** Comments: the reader's thread, the submission pipeline, the moderation queue. */
export const commentsModule = defineModule({
  name: 'comments',
  typeDefs: [commentsTypeDefs, commentModerationTypeDefs],
  resolvers: [commentsResolvers, commentModerationResolvers],
  entities: commentEntities,
  migrations: [ThreadCounters1795479000000],
  mappers: {
    Comment: 'thread.js#CommentNode',
    EditorComment: 'entities.js#CommentRow',
  },
  services: ({ db, events, posts }: ModuleDeps<{ posts: PostsService }>) => {
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
      commentHooks,
    };
  },
  loaders: ({ commentThreads }) => ({
    threads: new ThreadLoader(commentThreads),
  }),
});
