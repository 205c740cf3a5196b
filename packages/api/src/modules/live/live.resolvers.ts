import type { Resolvers } from '../../generated/graphql.js';
import type { CommentNode } from '../comments/thread.js';
import type { LinkbackRow } from '../linkbacks/entities.js';
import type { QueueChange } from './live-feed.js';

export const liveResolvers: Resolvers = {
  // Each event is what the feed read; `resolve` hands it on as the field's value.
  Subscription: {
    commentAdded: {
      subscribe: (_, { postId }, { services }) => services.liveFeed.commentsOf(postId),
      resolve: (comment: CommentNode) => comment,
    },
    linkbackAdded: {
      subscribe: (_, { postId }, { services }) => services.liveFeed.linkbacksOf(postId),
      resolve: (linkback: LinkbackRow) => linkback,
    },
    moderationQueueChanged: {
      subscribe: (_, __, { services, viewer }) => services.liveFeed.moderationQueue(viewer),
      resolve: (change: QueueChange) => change,
    },
  },
  ModerationQueueChange: {
    id: (change) => String(change.id),
    postId: (change) => String(change.postId),
  },
};
