import { modules } from '../modules/index.js';
import { baseTypeDefs } from './base.graphql.js';

/** Every module's SDL: the source of truth for the API. */
export const typeDefs: string[] = [baseTypeDefs, ...modules.flatMap((m) => m.typeDefs ?? [])];
