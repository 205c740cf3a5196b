import type { Resolvers } from '../../generated/graphql.js';
import { replyPageSizes } from './look-ahead.js';
import { publicAuthorUrl } from './validation.js';

export const commentsResolvers: Resolvers = {
  Mutation: {
    submitComment: async (_, { input }, { services, request, loaders }) =>
      services.comments.submitComment(input, request, await loaders.discussionSettings()),
  },
  // The thread's fields of Post (declared with the post in posts.graphql.ts).
  Post: {
    commentCount: (post, _, { loaders }) => loaders.threads.commentCount(post.id),
    comments: (post, args, { loaders }, info) =>
      loaders.threads.topLevel(post.id, args, replyPageSizes(info)),
  },
  Comment: {
    id: (comment) => String(comment.id),
    content: (comment) => comment.contentHtml,
    authorUrl: (comment) => publicAuthorUrl(comment.authorUrl),
    parent: (comment, _, { loaders }) => loaders.threads.parent(comment),
    replies: (comment, args, { loaders }) => loaders.threads.replies(comment, args),
  },
};
