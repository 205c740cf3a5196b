import { defineModule } from '../module.js';
import { privacyTypeDefs } from './privacy.graphql.js';
import { privacyResolvers } from './privacy.resolvers.js';
import { PrivacyService } from './privacy.service.js';

/**
 * Personal data by email address (GDPR articles 15 and 17): the export and
 * the erasure of what every module keeps (ColloquyModule.personalData).
 */
export const privacyModule = defineModule({
  name: 'privacy',
  typeDefs: [privacyTypeDefs],
  resolvers: [privacyResolvers],
  mappers: {
    PersonalDataExport: 'privacy.service.js#PersonalDataExportModel',
    PersonalDataComment: '../comments/personal-data.js#PersonalComment',
  },
  services: ({ db, personalData }) => ({ privacy: new PrivacyService({ db, personalData }) }),
});
