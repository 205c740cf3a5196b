import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import { tables } from '../../src/modules/index.js';
import { colloquy } from '../support/cli.js';
import { setDiscussionSettings } from '../support/fixtures.js';
import {
  prepareDatabase,
  runBounded,
  spawnServer,
  submitComment,
  type ServerProcess,
  type Submitted,
} from '../support/process.js';
import { freshDatabase } from '../support/server.js';

// `pnpm colloquy backup` while a server takes comments, `restore` into a new
// file, a new server on it: the real processes, the real CLI, SQLite files.

const POSTS = `{ posts(first: 20) { edges { node { slug title commentCount
  comments(first: 100) { edges { node { authorName content } } } } } } }`;

type Acknowledged = Submitted;
const submit = (url: string, i: number) => submitComment(url, i, 'backup-stream');

async function posts(url: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: POSTS }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: unknown }).data;
}

/** Rows of a SQLite file, read without migrating or holding it. */
async function query<T>(file: string, sql: string): Promise<T[]> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) =>
      e ? reject(e) : resolve(d),
    );
  });
  try {
    return await new Promise<T[]>((resolve, reject) =>
      db.all(sql, (e, rows) => (e ? reject(e) : resolve(rows as T[]))),
    );
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

const COUNTERS_VS_ROWS = `SELECT t.post_id, t.comment_count,
  (SELECT count(*) FROM comments c WHERE c.post_id = t.post_id AND c.status = 'APPROVED') AS approved
  FROM comment_threads t ORDER BY t.post_id`;

describe('backup and restore (SQLite)', () => {
  let db: DatabaseConfig & { kind: 'sqlite' };
  let drop: () => Promise<void>;
  let dir: string;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    const fresh = await freshDatabase('sqlite');
    db = fresh.db as DatabaseConfig & { kind: 'sqlite' };
    drop = fresh.drop;
    dir = path.dirname(db.file);
    await prepareDatabase(db);
    // Published at once, so each submission changes the thread's counters too.
    const database = await openDatabase(createDatabase(db, { tables }));
    await setDiscussionSettings(database, { moderationMode: 'PUBLISH' });
    await database.close();
  });
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    await drop?.();
  });

  it('copies the live database during writes; a server on the restored copy serves what was acknowledged before', async () => {
    const live = await spawnServer(db, { env: { JOB_WORKER: '0' } });
    servers.push(live);
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(live.url, i)));
    const before = first.filter((a): a is Acknowledged => a !== null);
    expect(before).toHaveLength(20);

    // Writes keep coming while the backup runs, and after it.
    const acknowledged: Acknowledged[] = [...before];
    let backupDone = false;
    let afterBackup = 0;
    const backupFile = path.join(dir, 'backups', 'copy.db');
    const stream = runBounded(3000, 4, Date.now() + 60_000, async (i) => {
      if (afterBackup >= 20) return;
      const ack = await submit(live.url, 1000 + i);
      if (ack) acknowledged.push(ack);
      if (backupDone) afterBackup++;
    });
    while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 20));
    const acknowledgedBeforeBackup = [...acknowledged];
    const backup = await colloquy(db, ['backup', backupFile]);
    backupDone = true;
    await stream;
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toMatch(
      new RegExp(
        `^colloquy: backed up ${db.file} to ${backupFile} \\(\\d+ bytes, \\d+ migrations\\)\\n$`,
      ),
    );
    expect(backup.code).toBe(0);
    expect(afterBackup).toBeGreaterThanOrEqual(20);

    // A second backup to the same file is refused, and changes nothing.
    const size = fs.statSync(backupFile).size;
    const again = await colloquy(db, ['backup', backupFile]);
    expect(again).toMatchObject({
      code: 1,
      stderr: `colloquy: ${backupFile} exists already; pass --force to replace it\n`,
    });
    expect(fs.statSync(backupFile).size).toBe(size);

    // Restored into a new file, served by a new server.
    const restored: DatabaseConfig & { kind: 'sqlite' } = {
      kind: 'sqlite',
      file: path.join(dir, 'restored', 'colloquy.db'),
    };
    const restore = await colloquy(restored, ['restore', backupFile]);
    expect(restore.stderr).toBe('');
    expect(restore.stdout).toMatch(/^colloquy: restored .* \(\d+ migrations; /);
    expect(restore.code).toBe(0);
    expect(fs.readdirSync(path.dirname(restored.file))).toEqual(['colloquy.db']);

    const inCopy = await query<{ id: number; content_text: string }>(
      restored.file,
      'SELECT id, content_text FROM comments',
    );
    const copied = new Map(inCopy.map((row) => [row.id, row.content_text]));
    // Everything acknowledged before the backup began is in it …
    expect(acknowledgedBeforeBackup.filter((a) => copied.get(a.id) !== a.content)).toEqual([]);
    // … and some of what came during it may be, but the copy is one snapshot:
    // its counters agree with its rows.
    const counters = await query<{ comment_count: number; approved: number }>(
      restored.file,
      COUNTERS_VS_ROWS,
    );
    expect(counters.length).toBeGreaterThan(0);
    for (const row of counters) expect(row.comment_count).toBe(row.approved);
    const streamed = inCopy.filter((row) => row.content_text.startsWith('backup-stream'));
    expect(streamed.length).toBeGreaterThanOrEqual(acknowledgedBeforeBackup.length);
    expect(streamed.length).toBeLessThan(acknowledged.length);

    const copyServer = await spawnServer(restored, { env: { JOB_WORKER: '0' } });
    servers.push(copyServer);
    const served = (await posts(copyServer.url)) as {
      posts: { edges: { node: { commentCount: number; comments: { edges: unknown[] } } }[] };
    };
    const post = served.posts.edges[0]!.node;
    expect(post.commentCount).toBe(counters.find((c) => c.approved > 0)!.approved);
    // The same as the live server served when it held the same comments:
    // the live one has more now, so compare with the copy's rows.
    const liveData = (await posts(live.url)) as typeof served;
    expect(liveData.posts.edges.map((e) => e.node.commentCount)[0]).toBeGreaterThan(
      post.commentCount,
    );
    const servedContents = new Set(
      (post.comments.edges as { node: { content: string } }[]).map((e) => e.node.content),
    );
    for (const a of acknowledgedBeforeBackup.slice(0, 80)) {
      expect(servedContents.has(`<p>${a.content}</p>`)).toBe(true);
    }
  }, 120_000);

  it('refuses to restore over a database a server has open, with exit status 75, changing nothing', async () => {
    const live = servers[0]!;
    const backupFile = path.join(dir, 'backups', 'copy.db');
    const count = () =>
      query<{ n: number; last: number }>(
        db.file,
        'SELECT count(*) AS n, max(id) AS last FROM comments',
      );
    const before = await count();
    const files = fs.readdirSync(dir).sort();
    const refused = await colloquy(db, ['restore', backupFile]);
    expect(refused).toEqual({
      code: 75,
      stdout: '',
      stderr:
        `colloquy: the database at ${db.file} is in use (a running server or another colloquy command has it open); ` +
        'stop the server first, then restore\n',
    });
    expect(await count()).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(files);
    expect((await fetch(`${live.url}/readyz`)).status).toBe(200);

    // Once the server has stopped, the same restore goes through.
    await live.stop();
    const restore = await colloquy(db, ['restore', backupFile]);
    expect(restore.code).toBe(0);
    expect((await count())[0]!.n).toBeLessThan(before[0]!.n);
  }, 60_000);

  it('refuses what is not a Colloquy database, and says to use pg_dump on PostgreSQL', async () => {
    const target: DatabaseConfig = { kind: 'sqlite', file: path.join(dir, 'other', 'colloquy.db') };
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database\n');
    expect(await colloquy(target, ['restore', text])).toMatchObject({
      code: 1,
      stderr: `colloquy: ${text} is not a SQLite database\n`,
    });
    const foreign = path.join(dir, 'foreign.db');
    await new Promise<void>((resolve, reject) => {
      const d = new sqlite3.Database(foreign, (e) => {
        if (e) return reject(e);
        d.run('CREATE TABLE notes (body TEXT)', () => d.close(() => resolve()));
      });
    });
    expect(await colloquy(target, ['restore', foreign])).toMatchObject({
      code: 1,
      stderr: `colloquy: ${foreign} is not a Colloquy database (no migrations table)\n`,
    });
    expect(fs.existsSync(target.file)).toBe(false);
    expect(await colloquy(target, ['backup', path.join(dir, 'x.db')])).toMatchObject({
      code: 1,
      stderr: `colloquy: there is no SQLite database at ${target.file}\n`,
    });

    const postgres: DatabaseConfig = { kind: 'postgres', url: 'postgres://u@127.0.0.1:1/colloquy' };
    for (const command of ['backup', 'restore']) {
      expect(await colloquy(postgres, [command, path.join(dir, 'pg.dump')])).toMatchObject({
        code: 1,
        stderr:
          `colloquy: ${command}: PostgreSQL databases are backed up with pg_dump and restored with pg_restore ` +
          '(see docs/operations.md, "Backups")\n',
      });
    }
  }, 60_000);
});
