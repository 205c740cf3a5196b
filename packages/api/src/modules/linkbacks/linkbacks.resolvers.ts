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
    trackbackUrl: (post, _, { services }) => services.linkbacks.trackbackUrl(post),
    outgoingPings: (post, _, { services, viewer }) =>
      services.linkbackSender.outgoingPingsFor(viewer, post),
  },
  OutgoingPing: {
    id: (ping) => String(ping.id),
  },
};
