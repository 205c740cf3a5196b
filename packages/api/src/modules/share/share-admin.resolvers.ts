import type { Resolvers } from '../../generated/graphql.js';

export const shareAdminResolvers: Resolvers = {
  Query: {
    editorShareTargets: (_, __, { services, viewer }) => services.share.allTargets(viewer),
  },
  Mutation: {
    createShareTarget: (_, { input }, { services, viewer }) => services.share.create(viewer, input),
    updateShareTarget: (_, { input }, { services, viewer }) => services.share.update(viewer, input),
    reorderShareTargets: (_, { keys }, { services, viewer }) =>
      services.share.reorder(viewer, keys),
  },
};
