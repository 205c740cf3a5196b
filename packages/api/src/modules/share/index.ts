import { tags } from '../../db/changes.js';
import { defineModule } from '../module.js';
import { shareEntities, type ShareTargetRow } from './entities.js';
import { shareAdminTypeDefs } from './share-admin.graphql.js';
import { shareAdminResolvers } from './share-admin.resolvers.js';
import { shareTypeDefs } from './share.graphql.js';
import { shareResolvers } from './share.resolvers.js';
import { ShareService } from './share.service.js';

/** The share bar: its targets (Twitter, Reddit …) and the links made from them. */
export const shareModule = defineModule({
  name: 'share',
  typeDefs: [shareTypeDefs, shareAdminTypeDefs],
  resolvers: [shareResolvers, shareAdminResolvers],
  entities: shareEntities,
  mappers: {
    ShareTarget: 'entities.js#ShareTargetRow',
    EditorShareTarget: 'entities.js#ShareTargetRow',
  },
  services: ({ db }) => ({ share: new ShareService({ db }) }),
  loaders: ({ share }, core) => {
    let targets: Promise<ShareTargetRow[]> | undefined;
    return {
      shareTargets: () => {
        core.reads.read(tags.site);
        return (targets ??= share.enabledTargets());
      },
    };
  },
});
