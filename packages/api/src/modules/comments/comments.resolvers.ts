import type { Resolvers } from '../../generated/graphql.js';
import { pageFromList } from '../../lib/pagination.js';
import { commentCursorKey } from './thread.js';
import { publicAuthorUrl } from './validation.js';

export const commentsResolvers: Resolvers = {
  Mutation: {
    submitComment: async (_, { input }, { services, request, loaders }) =>
      services.comments.submitComment(input, request, await loaders.discussionSettings()),
  },
  Comment: {
    id: (comment) => String(comment.id),
    content: (comment) => comment.contentHtml,
    authorUrl: (comment) => publicAuthorUrl(comment.authorUrl),
    parent: async (comment, _, { loaders }) =>
      comment.parentId === null
        ? null
        : ((await loaders.thread.load(comment.postId)).byId.get(comment.parentId) ?? null),
    replies: async (comment, args, { loaders }) => {
      // A pending comment has no visible replies; its thread is the post's approved one.
      const thread = await loaders.thread.load(comment.postId);
      return pageFromList(thread.repliesTo(comment.id), args, commentCursorKey);
    },
  },
};
