import { defineModule } from '../module.js';
import { DISCUSSION_SETTINGS_PREFIX, type DiscussionSettings } from './discussion-settings.js';
import { DiscussionSettingsService } from './discussion-settings.service.js';
import { discussionTypeDefs } from './discussion.graphql.js';
import { discussionResolvers } from './discussion.resolvers.js';

/** The discussion rules: who may comment, how comments are moderated, thread depth. */
export const discussionModule = defineModule({
  name: 'discussion',
  typeDefs: [discussionTypeDefs],
  resolvers: [discussionResolvers],
  settingsPrefixes: [DISCUSSION_SETTINGS_PREFIX],
  mappers: {
    DiscussionSettings: 'discussion-settings.js#DiscussionSettings as DiscussionSettingsModel',
    DiscussionRules: 'discussion-settings.js#DiscussionSettings as DiscussionSettingsModel',
  },
  services: ({ settings }) => ({ discussionSettings: new DiscussionSettingsService({ settings }) }),
  loaders: ({ discussionSettings }, core) => {
    let loaded: Promise<DiscussionSettings> | undefined;
    return {
      discussionSettings: () =>
        (loaded ??= core.settings().then((s) => discussionSettings.fromSnapshot(s))),
    };
  },
});
