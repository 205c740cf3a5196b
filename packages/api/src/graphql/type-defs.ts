import { baseTypeDefs } from './base.graphql.js';
import { siteTypeDefs } from '../modules/site/site.graphql.js';
import { postsTypeDefs } from '../modules/posts/posts.graphql.js';
import { commentsTypeDefs } from '../modules/comments/comments.graphql.js';
import { discussionTypeDefs } from '../modules/discussion/discussion.graphql.js';
import { linkbacksTypeDefs } from '../modules/linkbacks/linkbacks.graphql.js';
import { shareTypeDefs } from '../modules/share/share.graphql.js';
import { authTypeDefs } from '../modules/auth/auth.graphql.js';

/** Every module's SDL: the source of truth for the API. */
export const typeDefs = [
  baseTypeDefs,
  siteTypeDefs,
  postsTypeDefs,
  commentsTypeDefs,
  discussionTypeDefs,
  linkbacksTypeDefs,
  shareTypeDefs,
  authTypeDefs,
];
