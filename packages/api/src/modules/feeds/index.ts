import type { CommentThreadsService } from '../comments/comment-threads.service.js';
import { defineModule, type ModuleDeps } from '../module.js';
import type { PostsService } from '../posts/posts.service.js';
import type { SiteService } from '../site/site.service.js';
import { registerFeedRoutes } from './feeds.routes.js';
import { FeedsService } from './feeds.service.js';
import { LatestCommentsIndex1795479200000 } from './migrations/1795479200000-latest-comments-index.js';

/** RSS, Atom and JSON feeds of the site's posts, a tag's posts, a post's comments and the site's comments. */
export const feedsModule = defineModule({
  name: 'feeds',
  migrations: [LatestCommentsIndex1795479200000],
  services: ({
    db,
    config,
    posts,
    commentThreads,
    site,
  }: ModuleDeps<{
    posts: PostsService;
    commentThreads: CommentThreadsService;
    site: SiteService;
  }>) => ({
    feeds: new FeedsService({ db, config, posts, commentThreads, site }),
  }),
  routes: (app, { feeds }) => registerFeedRoutes(app, { feeds }),
});
