import type { Resolvers } from '../../generated/graphql.js';

export const linkbackModerationResolvers: Resolvers = {
  Query: {
    linkbacks: (_, args, { services, viewer }) => services.linkbackModeration.list(viewer, args),
    linkbackCounts: (_, { postId }, { services, viewer }) =>
      services.linkbackModeration.counts(viewer, postId),
  },
  Mutation: {
    moderateLinkbacks: (_, { ids, status }, { services, viewer }) =>
      services.linkbackModeration.moderate(viewer, ids, status),
  },
  EditorLinkback: {
    id: (linkback) => String(linkback.id),
    post: (linkback, _, { loaders }) => loaders.anyPost.load(linkback.postId),
  },
};
