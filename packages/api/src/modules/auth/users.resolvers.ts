import type { Resolvers } from '../../generated/graphql.js';

export const usersResolvers: Resolvers = {
  Query: {
    users: (_, args, { services, viewer }) => services.users.pageAs(viewer, args),
  },
  Mutation: {
    createUser: (_, { input }, { services, viewer }) => services.users.createAs(viewer, input),
    setUserRole: (_, { id, role }, { services, viewer }) =>
      services.users.setRoleAs(viewer, id, role),
  },
  User: {
    id: (user) => String(user.id),
    author: (user, _, { loaders }) => loaders.author.load(user.authorId),
  },
};
