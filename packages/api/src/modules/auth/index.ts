import { defineModule } from '../module.js';
import { ApiTokensService } from './api-tokens.service.js';
import { authTypeDefs } from './auth.graphql.js';
import { authResolvers } from './auth.resolvers.js';
import { AuthService } from './auth.service.js';
import { authEntities } from './entities.js';
import { usersTypeDefs } from './users.graphql.js';
import { usersResolvers } from './users.resolvers.js';
import { UsersService } from './users.service.js';
import { PRUNE_AUTH_JOB, pruneAuth } from './retention.js';
import { RETENTION_EVERY_MS } from '../jobs/recurring.js';

/** Accounts, sessions, API tokens and the policy that decides who may do what. */
export const authModule = defineModule({
  name: 'auth',
  typeDefs: [authTypeDefs, usersTypeDefs],
  resolvers: [authResolvers, usersResolvers],
  entities: authEntities,
  privateTables: ['users', 'sessions', 'api_tokens', 'sign_in_attempts'],
  mappers: {
    Viewer: 'viewer.js#Viewer as ViewerModel',
    ApiToken: 'entities.js#ApiTokenRow',
    User: 'entities.js#UserRow',
  },
  services: ({ db }) => {
    const users = new UsersService({ db });
    return { users, auth: new AuthService({ db, users }), apiTokens: new ApiTokensService({ db }) };
  },
  jobs: ({ db, config }) => ({
    [PRUNE_AUTH_JOB]: async () => void (await pruneAuth(db, config.retention)),
  }),
  recurring: { [PRUNE_AUTH_JOB]: RETENTION_EVERY_MS },
});
