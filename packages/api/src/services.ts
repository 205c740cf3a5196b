import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { DomainEvents } from './db/domain-events.js';
import { SettingsStore } from './db/settings.js';
import { composeServices } from './modules/module.js';
import { modules as appModules, type Services } from './modules/index.js';
import type { AnyModule } from './modules/module.js';
import type { EditorialHooks } from './modules/posts/hooks.js';

export type { Services };

/** The app's services: every module's, built once in list order (see modules/index.ts). */
export function createServices(deps: {
  db: Database;
  config: Config;
  /** Replaces the default editorial hooks (tests observe publication with their own). */
  hooks?: EditorialHooks;
  /** The modules to build (the app's, unless told otherwise). */
  modules?: readonly AnyModule[];
}): Services {
  const { db, config } = deps;
  const core = {
    db,
    config,
    settings: new SettingsStore({ db }),
    events: new DomainEvents({ db }),
  };
  const overrides = deps.hooks ? { editorialHooks: deps.hooks } : {};
  return composeServices(deps.modules ?? appModules, core, overrides) as Services;
}
