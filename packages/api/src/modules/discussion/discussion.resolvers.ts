import type { Resolvers } from '../../generated/graphql.js';
import { COMMENT_FORM_FIELDS } from '../comments/messages.js';

export const discussionResolvers: Resolvers = {
  Query: {
    discussionSettings: (_, __, { loaders }) => loaders.discussionSettings(),
    discussionRules: (_, __, { services, viewer }) => services.discussionSettings.getAs(viewer),
  },
  Mutation: {
    updateDiscussionSettings: (_, { input }, { services, viewer }) =>
      services.discussionSettings.updateAs(viewer, input),
  },
  DiscussionSettings: {
    commentFields: () => [...COMMENT_FORM_FIELDS],
  },
};
