import type { Resolvers } from '../../generated/graphql.js';

export const linkbacksResolvers: Resolvers = {
  Linkback: {
    id: (linkback) => String(linkback.id),
    author: (linkback) =>
      linkback.authorName || linkback.authorUrl || linkback.authorPhoto
        ? { name: linkback.authorName, url: linkback.authorUrl, photo: linkback.authorPhoto }
        : null,
  },
  Post: {
    linkbackCount: (post, _, { loaders }) => loaders.approvedLinkbackCount(post.id),
    linkbacks: (post, args, { loaders }) => loaders.approvedLinkbacks(post.id, args),
    trackbackUrl: (post, _, { services }) => services.linkbacks.trackbackUrl(post),
    outgoingPings: (post, _, { services, viewer }) =>
      services.linkbackSender.outgoingPingsFor(viewer, post),
  },
  OutgoingPing: {
    id: (ping) => String(ping.id),
  },
};
