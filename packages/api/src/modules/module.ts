import type { FastifyInstance } from 'fastify';
import type { EntityManager, EntitySchema, MigrationInterface } from 'typeorm';
import type { Config } from '../config.js';
import { tags } from '../db/changes.js';
import type { DbKind } from '../db/columns.js';
import type { Database } from '../db/database.js';
import type { DomainEvents, Subscribers } from '../db/domain-events.js';
import type { SettingsSnapshot, SettingsStore } from '../db/settings.js';
import type { Resolvers } from '../generated/graphql.js';
import { ReadScope } from '../lib/read-scope.js';
import type { JobHandler } from './jobs/job-worker.js';

/**
 * What every module's services are built from: the database, the
 * configuration, the settings store, and the domain events (emitted inside
 * units of work, see db/domain-events.ts).
 */
export interface CoreServices {
  db: Database;
  config: Config;
  settings: SettingsStore;
  events: DomainEvents;
  /** Every module's part of a person's data (ColloquyModule.personalData), filled once all are built. */
  personalData: PersonalDataSources;
}

/** Erasure of a person's data: their records deleted, or kept with what identifies them removed. */
export type ErasureMode = 'REMOVE' | 'ANONYMISE';

/**
 * What one module stores about a person, found by email address (GDPR
 * articles 15 and 17; the privacy module asks every module that has one).
 * `email` comes trimmed and lowercased.
 */
export interface PersonalDataSource {
  /** Every record it keeps for the address, as JSON-ready objects; [] when none. */
  export(email: string): Promise<unknown[]>;
  /**
   * Erases them in the caller's unit of work (`em`), naming what readers see
   * change (db.changed); returns how many records it removed or anonymised.
   */
  erase(em: EntityManager, email: string, mode: ErasureMode): Promise<number>;
}

/** The modules' personal data sources, by name (the part of the export each fills). */
export class PersonalDataSources {
  private readonly sources = new Map<string, PersonalDataSource>();

  add(name: string, source: PersonalDataSource): void {
    if (this.sources.has(name)) throw new Error(`two modules export personal data as "${name}"`);
    this.sources.set(name, source);
  }

  entries(): [string, PersonalDataSource][] {
    return [...this.sources];
  }
}

/** What every request's loaders start from: one read of every module's settings, and what the request read. */
export interface CoreLoaders {
  settings: () => Promise<SettingsSnapshot>;
  /** Loaders note here the tags of what they read (for the response cache). */
  reads: ReadScope;
}

export type MigrationClass = new () => MigrationInterface;

/**
 * A domain module (graphql-hive's createModule shape): everything about one
 * domain, declared in its folder's index.ts. The app, the schema, the data
 * source and the job worker loop over the list in modules/index.ts, so a new
 * domain is one folder and one line there.
 *
 * `D` is what the module needs from the modules before it in the list, `S`
 * what it adds.
 */
export interface ColloquyModule<D extends object = object, S extends object = object, L = object> {
  /** Its folder's name under src/modules/. */
  name: string;
  /** SDL, merged into the schema in list order. */
  typeDefs?: readonly string[];
  /** Resolver maps; a type's fields may come from several modules. */
  resolvers?: readonly Resolvers[];
  /** The tables it owns, as EntitySchemas for the database kind. */
  entities?: (kind: DbKind) => EntitySchema[];
  /**
   * Its tables whose rows no reader's response shows (sessions, the job
   * queue): writes to them need not be named with db.changed().
   */
  privateTables?: readonly string[];
  /** Migrations of its own tables, frozen once written. */
  migrations?: readonly MigrationClass[];
  /** Codegen mappers: GraphQL type → `file.js#Type`, relative to the module's folder. */
  mappers?: Readonly<Record<string, string>>;
  /** Setting key prefixes (`site.`) it reads: every request reads them all in one statement. */
  settingsPrefixes?: readonly string[];
  /** Builds its services from the core and what the modules before it built. */
  services?: (deps: CoreServices & D) => S;
  /** Per-request DataLoaders (made anew for every request). */
  loaders?: (services: CoreServices & D & S, core: CoreLoaders) => L;
  /** HTTP routes beside /graphql. */
  routes?: (app: FastifyInstance, services: CoreServices & D & S) => Promise<void>;
  /** Background job handlers by job kind (run by the job worker). */
  jobs?: (services: CoreServices & D & S) => Record<string, JobHandler>;
  /**
   * Jobs of its own (handlers in `jobs`) that run every so often: job kind
   * → interval in milliseconds (see jobs/recurring.ts).
   */
  recurring?: Readonly<Record<string, number>>;
  /**
   * What it stores about a person, by email address: its part of the
   * privacy module's export and erasure, by part name (`comments`).
   */
  personalData?: (services: CoreServices & D & S) => Record<string, PersonalDataSource>;
  /**
   * What it does when something happens in the conversation (a comment
   * approved, a post published…): run inside the unit of work that caused
   * it, once every module's services are built, so it may hear modules
   * listed after it too.
   */
  subscribers?: (services: CoreServices & D & S) => Subscribers;
}

/** What a module's services are built from: the core, and `D` from the modules before it. */
export type ModuleDeps<D extends object = object> = CoreServices & D;

/** Declares a module, checking its parts against one another. */
export function defineModule<D extends object, S extends object, L = object>(
  module: ColloquyModule<D, S, L>,
): ColloquyModule<D, S, L> {
  return module;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of modules of any shape
export type AnyModule = ColloquyModule<any, any, any>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/** The services of a list of modules, all together. */
export type ServicesOf<M extends readonly AnyModule[]> = CoreServices &
  UnionToIntersection<
    {
      [K in keyof M]: M[K] extends { services?: (deps: never) => infer S } ? S : never;
    }[number]
  >;

/** The per-request loaders of a list of modules, all together. */
export type LoadersOf<M extends readonly AnyModule[]> = CoreLoaders &
  UnionToIntersection<
    {
      [K in keyof M]: M[K] extends { loaders?: (...args: never[]) => infer L } ? L : never;
    }[number]
  >;

/**
 * Builds every module's services in list order. A module that asks for a
 * service no module before it provides fails here, at start-up, with its name.
 */
export function composeServices(
  modules: readonly AnyModule[],
  core: Omit<CoreServices, 'personalData'>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const personalData = new PersonalDataSources();
  const built: Record<string, unknown> = { ...core, personalData, ...overrides };
  for (const module of modules) {
    if (!module.services) continue;
    const deps = new Proxy(built, {
      get(target, key) {
        if (typeof key === 'string' && !(key in target))
          throw new Error(
            `module "${module.name}" needs the service "${key}", which no module before it provides`,
          );
        return target[key as string];
      },
    });
    for (const [key, value] of Object.entries(module.services(deps) as object)) {
      if (!(key in overrides)) built[key] = value;
    }
  }
  // After every module: a source may use the services of modules after it.
  for (const module of modules) {
    for (const [name, source] of Object.entries(module.personalData?.(built) ?? {}))
      personalData.add(name, source as PersonalDataSource);
  }
  for (const module of modules) {
    if (module.subscribers) core.events.subscribe(module.subscribers(built));
  }
  return built;
}

/** Every module's loaders for one request, over one read of all their settings. */
export function composeLoaders(
  modules: readonly AnyModule[],
  services: CoreServices,
): Record<string, unknown> {
  const prefixes = modules.flatMap((m) => m.settingsPrefixes ?? []);
  let snapshot: Promise<SettingsSnapshot> | undefined;
  const reads = new ReadScope();
  const core: CoreLoaders = {
    settings: () => {
      reads.read(tags.site);
      return (snapshot ??= services.settings.read(prefixes));
    },
    reads,
  };
  const loaders: Record<string, unknown> = { ...core };
  for (const module of modules) Object.assign(loaders, module.loaders?.(services, core));
  return loaders;
}
