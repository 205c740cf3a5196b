import type { CommentThreadsService } from '../comments/comment-threads.service.js';
import type { LinkbacksService } from '../linkbacks/linkbacks.service.js';
import { defineModule, type ModuleDeps } from '../module.js';
import type { PostsService } from '../posts/posts.service.js';
import { LiveFeed } from './live-feed.js';
import { liveTypeDefs } from './live.graphql.js';
import { liveResolvers } from './live.resolvers.js';

/**
 * Live comment threads: GraphQL subscriptions (commentAdded, linkbackAdded,
 * moderationQueueChanged), fed by the conversation's domain events through
 * a notification every process hears. The WebSocket transport is
 * graphql/websocket.ts, beside the HTTP one.
 */
export const liveModule = defineModule({
  name: 'live',
  typeDefs: [liveTypeDefs],
  resolvers: [liveResolvers],
  mappers: { ModerationQueueChange: 'live-feed.js#QueueChange' },
  services: ({
    db,
    posts,
    commentThreads,
    linkbacks,
  }: ModuleDeps<{
    posts: PostsService;
    commentThreads: CommentThreadsService;
    linkbacks: LinkbacksService;
  }>) => ({
    liveFeed: new LiveFeed({
      db,
      posts,
      commentThreads,
      linkbacks,
      onError: (error) => console.error('colloquy: live update failed:', error),
    }),
  }),
  subscribers: ({ liveFeed }) => liveFeed.subscribers(),
});
