import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createDatabase, openDatabase, QueryCounter } from '../../src/db/data-source.js';
import { KEPT_STATEMENTS } from '../../src/db/sqlite-statements.js';
import { tables } from '../../src/modules/index.js';
import type { DatabaseConfig } from '../../src/config.js';
import { freshDatabase } from '../support/server.js';

/**
 * The SQLite writer keeps its prepared statements (src/db/sqlite-statements.ts):
 * the same text runs again on the statement prepared the first time. These
 * are the ways that could go wrong, on a real database file.
 */
describe('kept SQLite statements', () => {
  let config: DatabaseConfig;
  let drop: () => Promise<void>;
  let db: Database;
  const counter = new QueryCounter();
  const open = async () => (db = await openDatabase(createDatabase(config, { tables, counter })));
  const slugs = async (like: string) =>
    (
      (await db.read.query('SELECT slug FROM tags WHERE slug LIKE ? ORDER BY slug', [like])) as {
        slug: string;
      }[]
    ).map((r) => r.slug);
  const INSERT_TAG = 'INSERT INTO tags (name, slug) VALUES (?, ?)';

  beforeAll(async () => {
    ({ db: config, drop } = await freshDatabase('sqlite'));
    await open();
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('run each call with its own parameters, in one unit of work and across units', async () => {
    await db.write(async (em) => {
      await em.query(INSERT_TAG, ['A', 'params-a']);
      await em.query(INSERT_TAG, ['B', 'params-b']);
    });
    await db.write((em) => em.query(INSERT_TAG, ['C', 'params-c']));
    expect(await slugs('params-%')).toEqual(['params-a', 'params-b', 'params-c']);
    const names = await db.write((em) =>
      em.query('SELECT name FROM tags WHERE slug IN (?, ?) ORDER BY slug', [
        'params-c',
        'params-a',
      ]),
    );
    expect(names).toEqual([{ name: 'A' }, { name: 'C' }]);
  });

  it('are still counted, one per statement run', async () => {
    const before = counter.count;
    await db.write((em) => {
      db.changed();
      return em.query(INSERT_TAG, ['D', 'params-d']);
    });
    // BEGIN IMMEDIATE, the INSERT, COMMIT (no change_log row: the unit says readers see no change).
    expect(counter.count - before).toBe(3);
  });

  it('do not carry the last call’s parameters into a call that gives none', async () => {
    const rows = await db.write(async (em) => {
      await em.query('SELECT ? AS v', [5]);
      return em.query('SELECT ? AS v');
    });
    expect(rows).toEqual([{ v: null }]);
  });

  it('fail only the unit whose statement failed, and the same statement works again after', async () => {
    const failed = db.write(async (em) => {
      await em.query(INSERT_TAG, ['E', 'again-e']);
      await em.query(INSERT_TAG, ['E twice', 'again-e']);
    });
    await expect(failed).rejects.toThrow(/UNIQUE constraint failed: tags.slug/);
    expect(await slugs('again-%')).toEqual([]);
    await db.write((em) => em.query(INSERT_TAG, ['E', 'again-e']));
    expect(await slugs('again-%')).toEqual(['again-e']);
  });

  it('report a statement that cannot be prepared, and the writer goes on', async () => {
    await expect(db.write((em) => em.query('SELECT nope FROM no_such_table'))).rejects.toThrow(
      /no such table/,
    );
    await expect(db.write((em) => em.query('SELECT nope FROM no_such_table'))).rejects.toThrow(
      /no such table/,
    );
    await db.write((em) => em.query(INSERT_TAG, ['F', 'after-f']));
    expect(await slugs('after-%')).toEqual(['after-f']);
  });

  it('commit a unit whose INSERT … RETURNING TypeORM runs with run() (never left mid-way)', async () => {
    for (const n of [1, 2]) {
      await db.write(async (em) => {
        await em.query(`${INSERT_TAG} RETURNING id`, [`R${n}`, `returning-${n}a`]);
        await em.query(`${INSERT_TAG} RETURNING id`, [`R${n}`, `returning-${n}b`]);
      });
    }
    expect(await slugs('returning-%')).toEqual([
      'returning-1a',
      'returning-1b',
      'returning-2a',
      'returning-2b',
    ]);
  });

  it(`keep working past ${KEPT_STATEMENTS} different statements, and close and open again`, async () => {
    const n = KEPT_STATEMENTS + 50;
    await db.write(async (em) => {
      for (let i = 0; i < n; i++) {
        const rows = (await em.query(`SELECT ${i} AS i, ? AS v`, [i * 2])) as {
          i: number;
          v: number;
        }[];
        expect(rows).toEqual([{ i, v: i * 2 }]);
      }
    });
    await db.close();
    await open();
    await db.write((em) => em.query(INSERT_TAG, ['G', 'reopened-g']));
    expect(await slugs('reopened-%')).toEqual(['reopened-g']);
  });
});
