import type { DataSource } from 'typeorm';
import type { Config } from './config.js';
import { createTransactionRunner } from './db/transactions.js';
import { ApiTokensService } from './modules/auth/api-tokens.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { UsersService } from './modules/auth/users.service.js';
import { CommentsService } from './modules/comments/comments.service.js';
import { LinkbacksService } from './modules/linkbacks/linkbacks.service.js';
import { PostsService } from './modules/posts/posts.service.js';
import { ShareService } from './modules/share/share.service.js';
import { SiteService } from './modules/site/site.service.js';

/** The app's services, wired once, with their collaborators passed in. */
export function createServices(deps: { dataSource: DataSource; config: Config }) {
  const posts = new PostsService(deps);
  const transaction = createTransactionRunner(deps.dataSource);
  const users = new UsersService({ dataSource: deps.dataSource, transaction });
  return {
    users,
    auth: new AuthService({ dataSource: deps.dataSource, users }),
    apiTokens: new ApiTokensService(deps),
    posts,
    comments: new CommentsService({ dataSource: deps.dataSource, posts, transaction }),
    linkbacks: new LinkbacksService(deps),
    share: new ShareService(deps),
    site: new SiteService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
