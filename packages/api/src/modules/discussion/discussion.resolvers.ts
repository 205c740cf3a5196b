import type { Resolvers } from '../../generated/graphql.js';
import { COMMENT_FORM_FIELDS } from '../comments/messages.js';

export const discussionResolvers: Resolvers = {
  Query: {
    discussionSettings: (_, __, { loaders }) => loaders.discussionSettings(),
  },
  DiscussionSettings: {
    commentFields: () => [...COMMENT_FORM_FIELDS],
  },
};
