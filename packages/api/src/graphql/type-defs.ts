import { modules as appModules } from '../modules/index.js';
import type { AnyModule } from '../modules/module.js';
import { baseTypeDefs } from './base.graphql.js';

/** Every module's SDL: the source of truth for the API. */
export function typeDefsOf(modules: readonly AnyModule[] = appModules): string[] {
  return [baseTypeDefs, ...modules.flatMap((m) => m.typeDefs ?? [])];
}
