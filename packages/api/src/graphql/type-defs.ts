import { baseTypeDefs } from './base.graphql.js';
import { siteTypeDefs } from '../modules/site/site.graphql.js';
import { postsTypeDefs } from '../modules/posts/posts.graphql.js';
import { postEditorTypeDefs } from '../modules/posts/post-editor.graphql.js';
import { commentsTypeDefs } from '../modules/comments/comments.graphql.js';
import { discussionTypeDefs } from '../modules/discussion/discussion.graphql.js';
import { commentModerationTypeDefs } from '../modules/comments/comment-moderation.graphql.js';
import { linkbacksTypeDefs } from '../modules/linkbacks/linkbacks.graphql.js';
import { linkbackModerationTypeDefs } from '../modules/linkbacks/linkback-moderation.graphql.js';
import { shareTypeDefs } from '../modules/share/share.graphql.js';
import { shareAdminTypeDefs } from '../modules/share/share-admin.graphql.js';
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
  postEditorTypeDefs,
  commentModerationTypeDefs,
  linkbackModerationTypeDefs,
  shareAdminTypeDefs,
];
