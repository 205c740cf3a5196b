import { Brackets, EntitySchema } from 'typeorm';
import type { DbKind } from './columns.js';
import { KeptValues, tags } from './changes.js';
import type { Database } from './database.js';

/** One site-wide setting: a key (namespaced, e.g. `site.title`) and its value as text. */
export interface SettingRow {
  key: string;
  value: string;
}

/** The settings table: the one the database layer owns itself (modules keep their settings here). */
export function settingEntities(_kind: DbKind) {
  const Setting = new EntitySchema<SettingRow>({
    name: 'Setting',
    tableName: 'settings',
    columns: {
      key: { type: 'varchar', length: 100, primary: true },
      value: { type: 'text' },
    },
  });
  return [Setting];
}

/** Raw setting values by key, as one request read them. */
export type SettingsSnapshot = ReadonlyMap<string, string>;

// A prefix is a namespace such as `site.`; keeping them to letters and a dot
// means they never contain LIKE wildcards.
const PREFIX = /^[a-z][a-z_]*\.$/;

/**
 * The `settings` key/value table. Reads are kept in memory until a committed
 * change names the `site` tag (db/changes.ts): every write here names it, in
 * this process or another (the change feed tells the others), so the next
 * request of every process sees a saved setting.
 */
export class SettingsStore {
  private readonly kept: KeptValues<SettingsSnapshot>;

  constructor(private readonly deps: { db: Database }) {
    this.kept = new KeptValues(deps.db, tags.site);
  }

  /** Every setting under the given prefixes: one statement, or none when kept. */
  read(prefixes: readonly string[]): Promise<SettingsSnapshot> {
    for (const prefix of prefixes) {
      if (!PREFIX.test(prefix)) throw new Error(`Invalid settings prefix "${prefix}"`);
    }
    return this.kept.get(prefixes.join(' '), () => this.load(prefixes));
  }

  private async load(prefixes: readonly string[]): Promise<SettingsSnapshot> {
    const rows = await this.deps.db.read
      .getRepository<SettingRow>('Setting')
      .createQueryBuilder('s')
      .where(
        new Brackets((w) => {
          prefixes.forEach((prefix, i) =>
            w.orWhere(`s.key LIKE :p${i}`, { [`p${i}`]: `${prefix}%` }),
          );
        }),
      )
      .getMany();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /** Inserts or replaces the given settings, all or none. */
  async write(values: ReadonlyMap<string, string>): Promise<void> {
    if (values.size === 0) return;
    await this.deps.db.write((em) => {
      this.deps.db.changed(tags.site);
      return em.getRepository<SettingRow>('Setting').upsert(
        [...values].map(([key, value]) => ({ key, value })),
        ['key'],
      );
    });
  }
}
