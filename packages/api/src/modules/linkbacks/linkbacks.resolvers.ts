import type { Resolvers } from '../../generated/graphql.js';

export const linkbacksResolvers: Resolvers = {
  Linkback: {
    id: (linkback) => String(linkback.id),
  },
};
