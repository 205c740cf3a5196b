import type { Resolvers } from '../../generated/graphql.js';

export const shareResolvers: Resolvers = {
  Query: {
    shareTargets: (_, __, { loaders }) => loaders.shareTargets(),
  },
};
