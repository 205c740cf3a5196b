import type { DataSource } from 'typeorm';
import type { Config } from './config.js';
import { SettingsStore } from './db/settings.js';
import { createTransactionRunner } from './db/transactions.js';
import { RemoteFetcher } from './lib/remote/fetch.js';
import { ApiTokensService } from './modules/auth/api-tokens.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { UsersService } from './modules/auth/users.service.js';
import { CommentsService } from './modules/comments/comments.service.js';
import { JobQueue } from './modules/jobs/job-queue.js';
import { CommentPipeline } from './modules/comments/pipeline.js';
import { DiscussionSettingsService } from './modules/discussion/discussion-settings.service.js';
import { LinkbacksService } from './modules/linkbacks/linkbacks.service.js';
import { LinkbackReceiver } from './modules/linkbacks/receiver.js';
import { LinkbackSender } from './modules/linkbacks/sender.js';
import { SourceVerifier } from './modules/linkbacks/verification.js';
import { PostsService } from './modules/posts/posts.service.js';
import { ShareService } from './modules/share/share.service.js';
import { SiteService } from './modules/site/site.service.js';

/** The app's services, wired once, with their collaborators passed in. */
export function createServices(deps: { dataSource: DataSource; config: Config }) {
  const { dataSource, config } = deps;
  const posts = new PostsService(deps);
  const transaction = createTransactionRunner(dataSource);
  const settings = new SettingsStore({ dataSource, transaction });
  const pipeline = new CommentPipeline({ dataSource, posts, transaction });
  const jobs = new JobQueue(deps);
  // Read at each fetch: main() settles PUBLIC_URL only once the port is known.
  const fetcher = new RemoteFetcher(
    config.remoteFetch,
    () => `Colloquy/0.1 (+${config.publicUrl})`,
  );
  const linkbacks = new LinkbacksService({ ...deps, posts });
  const users = new UsersService({ dataSource, transaction });
  return {
    users,
    auth: new AuthService({ dataSource: deps.dataSource, users }),
    apiTokens: new ApiTokensService(deps),
    posts,
    settings,
    discussionSettings: new DiscussionSettingsService({ settings }),
    comments: new CommentsService({ dataSource, pipeline }),
    linkbacks,
    linkbackReceiver: new LinkbackReceiver({
      linkbacks,
      posts,
      verifier: new SourceVerifier(fetcher),
      jobs,
      transaction,
    }),
    linkbackSender: new LinkbackSender({ dataSource, config, posts, jobs, fetcher, transaction }),
    jobs,
    share: new ShareService(deps),
    site: new SiteService({ config: deps.config, settings }),
  };
}

export type Services = ReturnType<typeof createServices>;
