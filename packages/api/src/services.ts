import type { DataSource } from 'typeorm';
import type { Config } from './config.js';
import { SettingsStore } from './db/settings.js';
import { createTransactionRunner } from './db/transactions.js';
import { CommentsService } from './modules/comments/comments.service.js';
import { CommentPipeline } from './modules/comments/pipeline.js';
import { DiscussionSettingsService } from './modules/discussion/discussion-settings.service.js';
import { LinkbacksService } from './modules/linkbacks/linkbacks.service.js';
import { PostsService } from './modules/posts/posts.service.js';
import { ShareService } from './modules/share/share.service.js';
import { SiteService } from './modules/site/site.service.js';

/** The app's services, wired once, with their collaborators passed in. */
export function createServices(deps: { dataSource: DataSource; config: Config }) {
  const posts = new PostsService(deps);
  const transaction = createTransactionRunner(deps.dataSource);
  const settings = new SettingsStore({ dataSource: deps.dataSource, transaction });
  const pipeline = new CommentPipeline({ dataSource: deps.dataSource, posts, transaction });
  return {
    posts,
    settings,
    discussionSettings: new DiscussionSettingsService({ settings }),
    comments: new CommentsService({ dataSource: deps.dataSource, pipeline }),
    linkbacks: new LinkbacksService(deps),
    share: new ShareService(deps),
    site: new SiteService({ config: deps.config, settings }),
  };
}

export type Services = ReturnType<typeof createServices>;
