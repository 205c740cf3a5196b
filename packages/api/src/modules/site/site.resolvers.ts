import type { Resolvers } from '../../generated/graphql.js';

export const siteResolvers: Resolvers = {
  Query: {
    site: (_, __, { loaders }) => loaders.site(),
  },
  Mutation: {
    updateSite: (_, args, { services, viewer }) => services.site.updateSite(viewer, args),
  },
  Site: {
    urlReadOnlyReason: (_, __, { services, viewer }) => services.site.urlReadOnlyReason(viewer),
  },
};
