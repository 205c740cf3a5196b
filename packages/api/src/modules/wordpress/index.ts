import type { JobQueue } from '../jobs/job-queue.js';
import { defineModule, type ModuleDeps } from '../module.js';
import type { PostsService } from '../posts/posts.service.js';
import type { SiteService } from '../site/site.service.js';
import { wordpressEntities } from './entities.js';
import { WordpressExporter } from './exporter.js';
import { WordpressImporter } from './importer.js';
import { LegacyUrlService, registerLegacyRedirects } from './legacy-urls.js';
import { Wordpress1795479540000 } from './migrations/1795479540000-wordpress.js';

/** WordPress: WXR import and export (the operator CLI), and the old permalinks of imported posts. */
export const wordpressModule = defineModule({
  name: 'wordpress',
  entities: wordpressEntities,
  // Neither table is shown to readers: a redirect is looked up per request, never cached.
  privateTables: ['wordpress_sources', 'legacy_urls'],
  migrations: [Wordpress1795479540000],
  services: (deps: ModuleDeps<{ posts: PostsService; jobs: JobQueue; site: SiteService }>) => {
    const { db, config, posts, jobs, site } = deps;
    return {
      legacyUrls: new LegacyUrlService({ db, posts }),
      wordpressImporter: new WordpressImporter({ db, jobs }),
      wordpressExporter: new WordpressExporter({ db, config, posts, site }),
    };
  },
  routes: async (app, { legacyUrls }) => registerLegacyRedirects(app, legacyUrls),
});
