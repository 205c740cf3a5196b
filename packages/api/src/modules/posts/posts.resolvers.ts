import type { Resolvers } from '../../generated/graphql.js';
import { commentsCloseAt, commentsOpenNow } from '../discussion/discussion-settings.js';

export const postsResolvers: Resolvers = {
  Query: {
    post: (_, { slug }, { loaders }) => loaders.publishedBySlug.load(slug),
    posts: (_, args, { loaders }) => loaders.publishedPosts(args),
  },
  Post: {
    id: (post) => String(post.id),
    content: (post) => post.contentHtml,
    url: (post, _, { services }) => services.posts.postUrl(post),
    // The effective value: the post's own flag, and not closed by age.
    commentsOpen: async (post, _, { loaders }) => {
      const settings = await loaders.discussionSettings();
      const closesAt = commentsCloseAt(post, settings);
      if (closesAt) loaders.reads.until(closesAt);
      return commentsOpenNow(post, settings);
    },
    author: (post, _, { loaders }) => loaders.author.load(post.authorId),
    tags: (post, _, { loaders }) => loaders.tags.load(post.id),
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
