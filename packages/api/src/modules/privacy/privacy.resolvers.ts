import type { Resolvers } from '../../generated/graphql.js';
import type { GraphQLContext } from '../../graphql/context.js';
import type { PersonalComment } from '../comments/personal-data.js';
import { countsOf, exportJson, type AuditLog } from './privacy.service.js';

/** The request's logger (bound to its request id); /graphql always has one. */
const audit = (ctx: GraphQLContext): AuditLog => ctx.log?.log ?? { info: () => {} };

export const privacyResolvers: Resolvers = {
  Query: {
    personalData: (_, { email }, ctx) =>
      ctx.services.privacy.exportAs(ctx.viewer, email, audit(ctx)),
  },
  Mutation: {
    erasePersonalData: (_, { email, mode }, ctx) =>
      ctx.services.privacy.eraseAs(ctx.viewer, email, mode, audit(ctx)),
  },
  PersonalDataExport: {
    // The comments module's part (comments/personal-data.ts), typed for editors' tools.
    comments: (data) => (data.parts.comments ?? []) as PersonalComment[],
    parts: (data) => countsOf(data.parts),
    json: (data) => exportJson(data),
  },
};
