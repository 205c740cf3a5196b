import type { Resolvers } from '../../generated/graphql.js';
import { parseScopes } from './auth.service.js';
import { capabilities, permissions, requireViewer } from './policy.js';

export const authResolvers: Resolvers = {
  Query: {
    viewer: (_, __, { viewer }) => viewer,
    apiTokens: (_, __, { services, viewer }) => services.apiTokens.listOwn(viewer),
  },
  Mutation: {
    signIn: (_, { email, password }, { services, request }) =>
      services.auth.signIn(email, password, request),
    signOut: async (_, __, ctx) => {
      await ctx.services.auth.signOut(requireViewer(ctx));
      return { signedOut: true };
    },
    createApiToken: (_, { input }, { services, viewer }) =>
      services.apiTokens.createOwn(viewer, input),
    revokeApiToken: async (_, { id }, { services, viewer }) => {
      const errors = await services.apiTokens.revokeOwn(viewer, id);
      return { revoked: errors.length === 0, errors };
    },
  },
  Viewer: {
    id: (viewer) => String(viewer.userId),
    author: (viewer, _, { loaders }) => loaders.author.load(viewer.authorId),
    scopes: (viewer) =>
      viewer.credential.kind === 'apiToken' ? [...viewer.credential.scopes] : null,
    canCreatePosts: (viewer) => capabilities(viewer).canCreatePosts,
    canReadDrafts: (viewer) => capabilities(viewer).canReadDrafts,
    canPublishPosts: (viewer) => capabilities(viewer).canPublishPosts,
    canModerateComments: (viewer) => capabilities(viewer).canModerateComments,
    canManageShareTargets: (viewer) => capabilities(viewer).canManageShareTargets,
    canManageSettings: (viewer) => capabilities(viewer).canManageSettings,
    canManageUsers: (viewer) => capabilities(viewer).canManageUsers,
    permissions: (viewer) =>
      permissions(viewer).map(({ action, reach }) => ({
        action,
        reach: reach === 'all' ? 'ALL' : 'OWN',
      })),
  },
  ApiToken: {
    id: (token) => String(token.id),
    scopes: (token) => parseScopes(token.scopes),
  },
};
