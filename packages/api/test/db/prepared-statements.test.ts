import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createDatabase, openDatabase, QueryCounter } from '../../src/db/data-source.js';
import { NAMED_STATEMENTS } from '../../src/db/pg-statements.js';
import { tables } from '../../src/modules/index.js';
import { databaseKinds, freshDatabase } from '../support/server.js';

/**
 * Both databases keep what they prepared: SQLite's connections keep their
 * prepared statements (src/db/sqlite-statements.ts), PostgreSQL's run named
 * statements, parsed once per connection (src/db/pg-statements.ts). What
 * could go wrong with a statement run again, on the reader and the writer,
 * on a real database.
 */
describe.each(databaseKinds())('prepared statements on %s', (kind) => {
  let db: Database;
  let drop: () => Promise<void>;
  const counter = new QueryCounter();
  const COUNT_TAGS = 'SELECT COUNT(*) AS n FROM tags WHERE slug LIKE $1';
  const q = (sql: string) => (kind === 'sqlite' ? sql.replace(/\$\d+/g, '?') : sql);
  const tagCount = async (like: string) =>
    Number(((await db.read.query(q(COUNT_TAGS), [like])) as { n: number | string }[])[0]!.n);
  const addTag = (slug: string) =>
    db.write((em) => em.query(q('INSERT INTO tags (name, slug) VALUES ($1, $2)'), [slug, slug]));

  beforeAll(async () => {
    const fresh = await freshDatabase(kind);
    drop = fresh.drop;
    db = await openDatabase(createDatabase(fresh.db, { tables, counter }));
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('read what was committed since the statement was first run (no snapshot held)', async () => {
    expect(await tagCount('seen-%')).toBe(0);
    for (const n of [1, 2, 3]) {
      await addTag(`seen-${n}`);
      expect(await tagCount('seen-%')).toBe(n);
    }
    if (kind === 'sqlite') {
      // A reader's kept statement that held its read transaction would keep
      // the checkpoint from reaching the end of the WAL: busy would be 1.
      const [row] = (await db.writer.query('PRAGMA wal_checkpoint(TRUNCATE)')) as {
        busy: number;
      }[];
      expect(row!.busy).toBe(0);
    }
  });

  it('give each of many simultaneous runs of one text its own parameters', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((n) => addTag(`many-${n}`)));
    const slugs = Array.from({ length: 60 }, (_, i) => `many-${(i % 7) + 1}`);
    const answers = await Promise.all(
      slugs.map(
        async (slug) =>
          (await db.read.query(q('SELECT slug FROM tags WHERE slug = $1'), [slug])) as {
            slug: string;
          }[],
      ),
    );
    expect(answers.map((rows) => rows.map((r) => r.slug))).toEqual(
      slugs.map((slug) => (Number(slug.slice(5)) <= 5 ? [slug] : [])),
    );
  });

  it('are counted once per run, as any statement', async () => {
    await tagCount('counted-%');
    const before = counter.count;
    for (let i = 0; i < 4; i++) await tagCount('counted-%');
    expect(counter.count - before).toBe(4);
  });

  it('answer with the new columns after a table changed under them, on the reader and in a unit of work', async () => {
    await db.writer.query('CREATE TABLE probe (id INTEGER PRIMARY KEY)');
    await db.write((em) => em.query('INSERT INTO probe (id) VALUES (1)'));
    const readAll = () => db.read.query('SELECT * FROM probe ORDER BY id');
    const writeAll = () => db.write((em) => em.query('SELECT * FROM probe ORDER BY id'));
    // Prepared (and, on PostgreSQL, planned for its result's columns) on every connection in use.
    for (let i = 0; i < 3; i++) {
      expect(await readAll()).toEqual([{ id: 1 }]);
      expect(await writeAll()).toEqual([{ id: 1 }]);
    }
    // As a migration run by another process would.
    await db.writer.query('ALTER TABLE probe ADD COLUMN label TEXT');
    await db.write((em) => em.query(q('UPDATE probe SET label = $1'), ['one']));
    expect(await readAll()).toEqual([{ id: 1, label: 'one' }]);
    // Inside a transaction the refusal ends the unit (PostgreSQL); the next run prepares anew.
    const inUnit = await writeAll().catch((error: Error) => error);
    if (inUnit instanceof Error) {
      expect(kind).toBe('postgres');
      expect(inUnit.message).toMatch(/cached plan must not change result type/);
    } else expect(inUnit).toEqual([{ id: 1, label: 'one' }]);
    expect(await writeAll()).toEqual([{ id: 1, label: 'one' }]);
    expect(await readAll()).toEqual([{ id: 1, label: 'one' }]);
  });

  it(`keep answering past ${NAMED_STATEMENTS} different texts`, async () => {
    for (let i = 0; i < NAMED_STATEMENTS + 50; i++) {
      const rows = (await db.read.query(q(`SELECT ${i} AS i, $1 AS v`), [`v${i}`])) as {
        i: number;
        v: string;
      }[];
      expect(rows).toEqual([{ i, v: `v${i}` }]);
    }
    expect(await tagCount('seen-%')).toBe(3);
  });
});
