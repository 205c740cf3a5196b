import type { DataSource } from 'typeorm';
import type { Config } from './config.js';
import { createTransactionRunner } from './db/transactions.js';
import { ApiTokensService } from './modules/auth/api-tokens.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { UsersService } from './modules/auth/users.service.js';
import { CommentModerationService } from './modules/comments/comment-moderation.service.js';
import { CommentsService } from './modules/comments/comments.service.js';
import { LinkbackModerationService } from './modules/linkbacks/linkback-moderation.service.js';
import { LinkbacksService } from './modules/linkbacks/linkbacks.service.js';
import { PostEditorService } from './modules/posts/post-editor.service.js';
import { PostsService } from './modules/posts/posts.service.js';
import { ShareService } from './modules/share/share.service.js';
import { SiteService } from './modules/site/site.service.js';

/**
 * What other parts may plug into the editorial API. `onPostPublished` runs
 * after a post that readers can see was published or changed (publish now,
 * or an update of a published post; not when a scheduled time arrives, as
 * nothing runs then). Its failure does not undo the publication.
 */
export interface EditorialHooks {
  onPostPublished?: (postId: number) => Promise<void>;
}

/** The app's services, wired once, with their collaborators passed in. */
export function createServices(deps: {
  dataSource: DataSource;
  config: Config;
  hooks?: EditorialHooks;
}) {
  const posts = new PostsService(deps);
  const transaction = createTransactionRunner(deps.dataSource);
  const hooks: EditorialHooks = deps.hooks ?? {};
  const users = new UsersService({ dataSource: deps.dataSource, transaction });
  return {
    users,
    auth: new AuthService({ dataSource: deps.dataSource, users }),
    apiTokens: new ApiTokensService(deps),
    posts,
    postEditor: new PostEditorService({ dataSource: deps.dataSource, transaction, hooks }),
    comments: new CommentsService({ dataSource: deps.dataSource, posts, transaction }),
    commentModeration: new CommentModerationService({
      dataSource: deps.dataSource,
      posts,
      transaction,
    }),
    linkbacks: new LinkbacksService(deps),
    linkbackModeration: new LinkbackModerationService({ dataSource: deps.dataSource, posts }),
    share: new ShareService({ dataSource: deps.dataSource, transaction }),
    site: new SiteService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
