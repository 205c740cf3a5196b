import type { Resolvers } from '../../generated/graphql.js';
import { commentsOpenNow } from '../discussion/discussion-settings.js';
import { pageFromList } from '../../lib/pagination.js';

export const postsResolvers: Resolvers = {
  Query: {
    post: (_, { slug }, { loaders }) => loaders.publishedBySlug.load(slug),
    posts: (_, args, { services }) => services.posts.listPublished(args),
  },
  Post: {
    id: (post) => String(post.id),
    content: (post) => post.contentHtml,
    url: (post, _, { services }) => services.posts.postUrl(post),
    // The effective value: the post's own flag, and not closed by age.
    commentsOpen: async (post, _, { loaders }) =>
      commentsOpenNow(post, await loaders.discussionSettings()),
    author: (post, _, { loaders }) => loaders.author.load(post.authorId),
    tags: (post, _, { loaders }) => loaders.tags.load(post.id),
    linkbackCount: async (post, _, { loaders }) => (await loaders.linkbacks.load(post.id)).length,
    linkbacks: async (post, args, { loaders }) =>
      pageFromList(await loaders.linkbacks.load(post.id), args, (l) => ({
        time: l.createdAt.getTime(),
        id: l.id,
      })),
    shareLinks: async (post, _, { loaders, services }) =>
      services.share.links(await loaders.shareTargets(), {
        url: services.posts.postUrl(post),
        title: post.title,
        excerpt: post.excerpt,
      }),
  },
  Author: {
    id: (author) => String(author.id),
  },
  Tag: {
    id: (tag) => String(tag.id),
  },
};
