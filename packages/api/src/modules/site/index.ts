import { defineModule } from '../module.js';
import { siteTypeDefs } from './site.graphql.js';
import { siteResolvers } from './site.resolvers.js';
import { SITE_SETTINGS_PREFIX, SiteService, type Site } from './site.service.js';

/** The site itself: title, description, public URL. */
export const siteModule = defineModule({
  name: 'site',
  typeDefs: [siteTypeDefs],
  resolvers: [siteResolvers],
  settingsPrefixes: [SITE_SETTINGS_PREFIX],
  // Other modules add fields to Site (mail: replyNotifications): resolvers start from the service's Site.
  mappers: { Site: 'site.service.js#Site as SiteModel' },
  services: ({ config, settings }) => ({ site: new SiteService({ config, settings }) }),
  loaders: ({ site }, core) => {
    let loaded: Promise<Site> | undefined;
    return { site: () => (loaded ??= core.settings().then((s) => site.fromSettings(s))) };
  },
});
