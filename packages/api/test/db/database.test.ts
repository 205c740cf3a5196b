import { afterEach, describe, expect, it } from 'vitest';
import {
  createDatabase,
  coreMigrations,
  openDatabase,
  SQLITE_BUSY_TIMEOUT_MS,
  SQLITE_WAL_SIZE_LIMIT,
} from '../../src/db/data-source.js';
import { databaseKinds, freshDatabase } from '../support/server.js';
import { tables } from '../../src/modules/index.js';

describe.each(databaseKinds())('database set-up on %s', (kind) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  async function open() {
    const { db, drop } = await freshDatabase(kind);
    const database = await openDatabase(createDatabase(db, { tables }));
    cleanup.push(drop, () => database.close());
    // Migrations and DDL are the writer's business.
    return { db, database, ds: database.writer };
  }

  it('applies the migrations once; opening again applies nothing', async () => {
    const { db, database, ds } = await open();
    const applied = (await ds.query('SELECT name FROM migrations')) as { name: string }[];
    // Every branch adds its own migration: compare with the registered list, in the order
    // TypeORM applies them (by the timestamp that ends each name), whatever the modules' order.
    const stamp = (name: string) => Number(/\d+$/.exec(name)?.[0]);
    const registered = [...coreMigrations, ...tables.migrations]
      .map((M) => String(new M().name))
      .sort((a, b) => stamp(a) - stamp(b));
    expect(registered[0]).toBe('Initial1795478400000');
    expect(applied.map((m) => m.name)).toEqual(registered);
    await database.close();
    const again = await openDatabase(createDatabase(db, { tables }));
    cleanup.push(() => again.close());
    expect(await again.writer.showMigrations()).toBe(false);
    expect(((await again.read.query('SELECT name FROM migrations')) as unknown[]).length).toBe(
      registered.length,
    );
  });

  it('reverts the discussion migration (moderation_reason, the IP index) and applies it again', async () => {
    const { ds } = await open();
    const columns = async () =>
      (
        (await ds.query(
          kind === 'sqlite'
            ? `SELECT name FROM pragma_table_info('comments')`
            : `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'comments'`,
        )) as { name: string }[]
      ).map((c) => c.name);
    const indexes = async () =>
      (
        (await ds.query(
          kind === 'sqlite'
            ? `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments'`
            : `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'comments'`,
        )) as { name: string }[]
      ).map((i) => i.name);

    expect(await columns()).toContain('moderation_reason');
    expect(await indexes()).toContain('idx_comments_ip_created');
    // Undo newer migrations first, down to and including this one (bounded by their number).
    for (let i = 0; i < coreMigrations.length + tables.migrations.length; i++) {
      const names = ((await ds.query('SELECT name FROM migrations')) as { name: string }[]).map(
        (m) => m.name,
      );
      if (!names.includes('Discussion1795478600000')) break;
      await ds.undoLastMigration({ transaction: 'each' });
    }
    expect(await columns()).not.toContain('moderation_reason');
    expect(await indexes()).not.toContain('idx_comments_ip_created');
    // The older indexes survive SQLite's table rebuild.
    expect(await indexes()).toEqual(
      expect.arrayContaining(['idx_comments_post_status_created', 'idx_comments_email_status']),
    );
    await ds.runMigrations({ transaction: 'each' });
    expect(await columns()).toContain('moderation_reason');
    expect(await indexes()).toContain('idx_comments_ip_created');
  });

  it('has the indexes the post page reads by', async () => {
    const { ds } = await open();
    const sql =
      kind === 'sqlite'
        ? `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'`
        : `SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'idx_%'`;
    const names = ((await ds.query(sql)) as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'idx_comments_post_status_created',
        'idx_comments_top_level',
        'idx_comments_replies',
        'idx_comments_ip_created',
        'idx_linkbacks_post_status_created_id',
        'idx_posts_status_published',
      ]),
    );
  });

  it('reads through a connection that cannot write', async () => {
    const { database } = await open();
    expect(await database.read.query('SELECT COUNT(*) AS n FROM posts')).toHaveLength(1);
    await expect(
      database.reader.query(`INSERT INTO tags (name, slug) VALUES ('x', 'x')`),
    ).rejects.toThrow(kind === 'sqlite' ? /readonly/ : /read-only transaction/);
    await database.write((em) => em.query(`INSERT INTO tags (name, slug) VALUES ('x', 'x')`));
    expect(await database.read.query(`SELECT slug FROM tags`)).toEqual([{ slug: 'x' }]);
  });

  it('enforces foreign keys', async () => {
    const { ds } = await open();
    await expect(
      ds.query(`INSERT INTO post_tags (post_id, tag_id) VALUES (999, 999)`),
    ).rejects.toThrow(/FOREIGN KEY|foreign key/);
  });
});

describe('SQLite pragmas', () => {
  it('runs SQLite in WAL mode with foreign keys on', async () => {
    const { db, drop } = await freshDatabase('sqlite');
    const database = await openDatabase(createDatabase(db, { tables }));
    try {
      for (const ds of [database.writer, database.reader]) {
        expect(await ds.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
        expect(await ds.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
        // Another process's write lock (the CLI, a backup) is waited for, not failed on.
        expect(await ds.query('PRAGMA busy_timeout')).toEqual([
          { timeout: SQLITE_BUSY_TIMEOUT_MS },
        ]);
      }
      expect(await database.writer.query('PRAGMA journal_size_limit')).toEqual([
        { journal_size_limit: SQLITE_WAL_SIZE_LIMIT },
      ]);
      // An acknowledged write is on disk (FULL), not only in the WAL's page cache.
      expect(await database.writer.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
      // Automatic checkpoints on (PASSIVE: they never block readers).
      expect(await database.writer.query('PRAGMA wal_autocheckpoint')).toEqual([
        { wal_autocheckpoint: 1000 },
      ]);
    } finally {
      await database.close();
      await drop();
    }
  });
});
