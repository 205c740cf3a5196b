import type { Resolvers } from '../../generated/graphql.js';

export const mailResolvers: Resolvers = {
  Site: {
    replyNotifications: (_, __, { services }) => services.mail.enabled,
  },
  Viewer: {
    notifyOnHeld: (viewer, _, { services }) =>
      services.mail.notifyOnHeld({ id: viewer.userId, role: viewer.role }),
  },
  Mutation: {
    updateMyNotificationSettings: (_, { input }, { services, viewer }) =>
      services.mail.updateMySettings(viewer, input),
  },
};
