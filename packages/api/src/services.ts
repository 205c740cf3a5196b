import type { Database } from './db/database.js';
import type { Config } from './config.js';
import { SettingsStore } from './db/settings.js';
import { RemoteFetcher } from './lib/remote/fetch.js';
import { ApiTokensService } from './modules/auth/api-tokens.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { UsersService } from './modules/auth/users.service.js';
import { CommentModerationService } from './modules/comments/comment-moderation.service.js';
import { CommentsService } from './modules/comments/comments.service.js';
import { CommentPipeline } from './modules/comments/pipeline.js';
import { DiscussionSettingsService } from './modules/discussion/discussion-settings.service.js';
import { JobQueue } from './modules/jobs/job-queue.js';
import { LinkbackModerationService } from './modules/linkbacks/linkback-moderation.service.js';
import { LinkbacksService } from './modules/linkbacks/linkbacks.service.js';
import { LinkbackReceiver } from './modules/linkbacks/receiver.js';
import { LinkbackSender } from './modules/linkbacks/sender.js';
import { SourceVerifier } from './modules/linkbacks/verification.js';
import { PostEditorService } from './modules/posts/post-editor.service.js';
import { PostsService } from './modules/posts/posts.service.js';
import { ShareService } from './modules/share/share.service.js';
import { SiteService } from './modules/site/site.service.js';

/**
 * What other parts may plug into the editorial API. `onPostPublished` runs
 * after a post that readers can see was published or changed (publish now,
 * or an update of a published post, with the HTML readers saw before; not
 * when a scheduled time arrives, as nothing runs then). Its failure does not
 * undo the publication.
 */
export interface EditorialHooks {
  onPostPublished?: (postId: number, previousHtml: string | null) => Promise<void>;
}

/** The app's services, wired once, with their collaborators passed in. */
export function createServices(deps: {
  db: Database;
  config: Config;
  /** Replaces the default hooks (tests observe publication with their own). */
  hooks?: EditorialHooks;
}) {
  const { db, config } = deps;
  const posts = new PostsService(deps);
  const settings = new SettingsStore({ db });
  const pipeline = new CommentPipeline({ db, posts });
  const jobs = new JobQueue(deps);
  // Read at each fetch: main() settles PUBLIC_URL only once the port is known.
  const fetcher = new RemoteFetcher(
    config.remoteFetch,
    () => `Colloquy/0.1 (+${config.publicUrl})`,
  );
  const linkbacks = new LinkbacksService({ ...deps, posts });
  const linkbackSender = new LinkbackSender({ db, config, posts, jobs, fetcher });
  // Publishing a post pings the pages it links to (and, after an edit, the ones it no longer links to).
  const hooks: EditorialHooks = deps.hooks ?? {
    onPostPublished: async (postId, previousHtml) => {
      if (previousHtml === null) await linkbackSender.postPublished(postId);
      else await linkbackSender.postUpdated(postId, previousHtml);
    },
  };
  const users = new UsersService({ db });
  const discussionSettings = new DiscussionSettingsService({ settings });
  return {
    users,
    auth: new AuthService({ db, users }),
    apiTokens: new ApiTokensService(deps),
    posts,
    postEditor: new PostEditorService({ db, hooks, discussionSettings }),
    settings,
    discussionSettings,
    comments: new CommentsService({ db, pipeline, posts }),
    commentModeration: new CommentModerationService({ db, posts }),
    linkbacks,
    linkbackModeration: new LinkbackModerationService({ db, posts }),
    linkbackReceiver: new LinkbackReceiver({
      linkbacks,
      posts,
      verifier: new SourceVerifier(fetcher),
      jobs,
      db,
    }),
    linkbackSender,
    jobs,
    share: new ShareService({ db }),
    site: new SiteService({ config, settings }),
  };
}

export type Services = ReturnType<typeof createServices>;
