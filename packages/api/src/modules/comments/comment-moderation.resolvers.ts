import type { EditorCommentResolvers, Resolvers } from '../../generated/graphql.js';
import type { CommentRow } from './entities.js';

/** A private field: its value only for those with comment:readPrivate on the post. */
const privateField =
  (pick: (comment: CommentRow) => string | null): EditorCommentResolvers['authorEmail'] =>
  async (comment, _, { services, loaders, viewer }) =>
    services.commentModeration.readPrivate(
      viewer,
      await loaders.anyPost.load(comment.postId),
      pick(comment),
    );

export const commentModerationResolvers: Resolvers = {
  Query: {
    comments: (_, args, { services, viewer }) => services.commentModeration.list(viewer, args),
    commentCounts: (_, args, { services, viewer }) =>
      services.commentModeration.counts(viewer, args),
  },
  Mutation: {
    moderateComments: (_, { ids, status }, { services, viewer }) =>
      services.commentModeration.moderate(viewer, ids, status),
    editComment: (_, { input }, { services, viewer }) =>
      services.commentModeration.edit(viewer, input),
    deleteComment: async (_, { id }, { services, viewer }) => {
      const { deletedIds, errors } = await services.commentModeration.delete(viewer, id);
      return { deletedIds: deletedIds.map(String), errors };
    },
    replyAsAuthor: async (_, { parentId, content }, { services, viewer, request, loaders }) =>
      services.comments.replyAsAuthor(
        viewer,
        parentId,
        content,
        request,
        await loaders.discussionSettings(),
      ),
  },
  EditorComment: {
    id: (comment) => String(comment.id),
    parentId: (comment) => (comment.parentId === null ? null : String(comment.parentId)),
    post: (comment, _, { loaders }) => loaders.anyPost.load(comment.postId),
    content: (comment) => comment.contentHtml,
    authorEmail: privateField((c) => c.authorEmail),
    authorUrl: privateField((c) => c.authorUrl),
    ip: privateField((c) => c.ip),
    userAgent: privateField((c) => c.userAgent),
  },
};
