import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createDatabase, openDatabase, QueryCounter } from '../../src/db/data-source.js';
import { tables } from '../../src/modules/index.js';
import { freshDatabase } from '../support/server.js';

/**
 * SQLite's units of work that wait for the writer while another runs are
 * committed together (src/db/database.ts, runSqliteGroup): each behind a
 * savepoint, one COMMIT for all. Each must still be a unit of its own: its
 * failure undoes only it, and nothing is acknowledged before the COMMIT.
 */
describe('SQLite group commit', () => {
  let db: Database;
  let drop: () => Promise<void>;
  const counter = new QueryCounter();

  beforeAll(async () => {
    const fresh = await freshDatabase('sqlite');
    drop = fresh.drop;
    db = await openDatabase(createDatabase(fresh.db, { tables, counter }));
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  const slugs = async (like: string) =>
    (
      (await db.read.query('SELECT slug FROM tags WHERE slug LIKE ? ORDER BY slug', [like])) as {
        slug: string;
      }[]
    ).map((r) => r.slug);
  /** A unit of work that stores one tag and says readers see no change (no change_log row). */
  const addTag = (slug: string) =>
    db.write(async (em) => {
      db.changed();
      await em.query('INSERT INTO tags (name, slug) VALUES (?, ?)', [slug, slug]);
      return slug;
    });

  it('commits units that waited together, with fewer statements than one transaction each', async () => {
    const before = counter.count;
    const names = Array.from({ length: 10 }, (_, i) => `group-${String(i).padStart(2, '0')}`);
    expect(await Promise.all(names.map(addTag))).toEqual(names);
    // One transaction each would be 30 statements (BEGIN IMMEDIATE, INSERT, COMMIT).
    // Together: BEGIN, 10 INSERTs, 9 SAVEPOINTs, COMMIT (a group closes after 16 units or 10 ms).
    const statements = counter.count - before;
    expect(statements).toBeGreaterThanOrEqual(21);
    expect(statements).toBeLessThanOrEqual(24);
    expect(await slugs('group-%')).toEqual(names);
  });

  it('undoes only the unit that failed, first, in the middle or last, and tells only it', async () => {
    for (const failing of [0, 4, 9]) {
      const prefix = `fail${failing}-`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          i === failing
            ? db.write(async (em) => {
                db.changed();
                await em.query('INSERT INTO tags (name, slug) VALUES (?, ?)', ['x', `${prefix}x`]);
                // The same slug again: UNIQUE fails, after this unit wrote a row of its own.
                await em.query('INSERT INTO tags (name, slug) VALUES (?, ?)', ['x', `${prefix}x`]);
              })
            : addTag(`${prefix}${i}`),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(
        Array.from({ length: 10 }, (_, i) => (i === failing ? 'rejected' : 'fulfilled')),
      );
      expect(String((outcomes[failing] as PromiseRejectedResult).reason)).toMatch(
        /UNIQUE constraint failed: tags.slug/,
      );
      expect(await slugs(`${prefix}%`)).toEqual(
        Array.from({ length: 10 }, (_, i) => i)
          .filter((i) => i !== failing)
          .map((i) => `${prefix}${i}`),
      );
    }
  });

  it('acknowledges no unit of a group whose COMMIT fails', async () => {
    // A deferred foreign key is checked at COMMIT: the one failure a savepoint cannot catch.
    const outcomes = await Promise.allSettled([
      addTag('commit-a'),
      db.write(async (em) => {
        db.changed();
        await em.query('PRAGMA defer_foreign_keys = ON');
        await em.query(
          `INSERT INTO comments (post_id, depth, author_name, author_email, content_text, content_html, status, created_at, by_post_author)
           VALUES (?, 0, 'Nobody', 'nobody@example.net', 'x', '<p>x</p>', 'PENDING', ?, 0)`,
          [987654, new Date().toISOString()],
        );
      }),
      addTag('commit-c'),
    ]);
    expect(outcomes[1]!.status).toBe('rejected');
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(
      /FOREIGN KEY constraint failed/,
    );
    // Acknowledged exactly when stored. Queued at once, the three run as one group, which the
    // failed COMMIT undid whole (the first and the last would commit alone only if a group had
    // closed early, after 10 ms).
    const stored = await slugs('commit-%');
    expect(stored).toEqual(
      ['commit-a', 'commit-c'].filter((_, i) => outcomes[i * 2]!.status === 'fulfilled'),
    );
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThanOrEqual(2);
    // And the writer goes on.
    await addTag('commit-after');
    expect(await slugs('commit-after')).toEqual(['commit-after']);
  });

  it('joins a unit of work opened inside another, in a group as alone', async () => {
    const results = await Promise.all([
      addTag('nested-1'),
      db.write(async (em) => {
        db.changed();
        await em.query('INSERT INTO tags (name, slug) VALUES (?, ?)', ['n2', 'nested-2']);
        return db.write(async (inner) => {
          await inner.query('INSERT INTO tags (name, slug) VALUES (?, ?)', ['n3', 'nested-3']);
          return 'inner';
        });
      }),
    ]);
    expect(results).toEqual(['nested-1', 'inner']);
    expect(await slugs('nested-%')).toEqual(['nested-1', 'nested-2', 'nested-3']);
  });
});
