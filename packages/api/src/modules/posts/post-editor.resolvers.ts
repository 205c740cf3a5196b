import type { Resolvers } from '../../generated/graphql.js';
import { editorStatus } from './visibility.js';

export const postEditorResolvers: Resolvers = {
  Query: {
    editorPosts: (_, args, { services, viewer }) => services.postEditor.list(viewer, args),
    editorPost: (_, { id }, { services, viewer }) => services.postEditor.findForEditor(viewer, id),
    previewPostContent: (_, { content, format }, { services, viewer }) =>
      services.postEditor.preview(viewer, content, format),
  },
  Mutation: {
    createPost: (_, { input }, { services, viewer }) => services.postEditor.create(viewer, input),
    updatePost: (_, { input: { id, ...input } }, { services, viewer }) =>
      services.postEditor.update(viewer, id, input),
    publishPost: (_, { id, publishAt }, { services, viewer }) =>
      services.postEditor.publish(viewer, id, publishAt == null ? null : new Date(publishAt)),
    unpublishPost: (_, { id }, { services, viewer }) => services.postEditor.unpublish(viewer, id),
    trashPost: (_, { id }, { services, viewer }) => services.postEditor.trash(viewer, id),
    restorePost: (_, { id }, { services, viewer }) => services.postEditor.restore(viewer, id),
    deletePost: async (_, { id }, { services, viewer }) => {
      const { deletedId, errors } = await services.postEditor.delete(viewer, id);
      return { deletedId: deletedId === null ? null : String(deletedId), errors };
    },
    restorePostRevision: (_, { revisionId }, { services, viewer }) =>
      services.postEditor.restoreRevision(viewer, revisionId),
  },
  Post: {
    status: (post) => editorStatus(post),
    contentSource: (post, _, { services, viewer }) => {
      services.postEditor.assertCanSeeSource(viewer, post);
      return post.contentSource;
    },
    contentFormat: (post, _, { services, viewer }) => {
      services.postEditor.assertCanSeeSource(viewer, post);
      return post.contentFormat;
    },
    revisions: (post, _, { services, viewer }) => services.postEditor.revisions(viewer, post),
  },
  PostRevision: {
    id: (revision) => String(revision.id),
    content: (revision) => revision.contentSource,
    tags: (revision) => JSON.parse(revision.tags) as string[],
    createdBy: (revision) => revision.createdByName,
  },
};
