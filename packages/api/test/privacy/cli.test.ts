import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { colloquy } from '../support/cli.js';
import { insertComment, insertPost } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import { databaseKinds, freshDatabase, startServer, type TestServer } from '../support/server.js';

// Each command starts Node with tsx: about a second apiece.
const SLOW = 90_000;

describe.each(databaseKinds())('privacy CLI on %s', (kind) => {
  let db: DatabaseConfig;
  let drop: () => Promise<void>;
  let server: TestServer;
  let dir: string;
  let ids: number[];
  beforeAll(async () => {
    ({ db, drop } = await freshDatabase(kind));
    // The site runs while the operator works: its readers must see the erasure.
    server = await startServer(kind, { database: db });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-privacy-'));
    const post = await insertPost(server.db, { slug: 'cli-privacy' });
    const base = { postId: post.id, authorName: 'Carla Cli', authorEmail: 'carla@example.net' };
    const first = await insertComment(server.db, {
      ...base,
      createdAt: new Date(Date.now() - 120_000),
      ip: '192.0.2.44',
      userAgent: 'Carla Browser',
    });
    const reply = await insertComment(server.db, {
      postId: post.id,
      parentId: first.id,
      depth: 1,
      createdAt: new Date(Date.now() - 90_000),
    });
    const second = await insertComment(server.db, {
      ...base,
      parentId: reply.id,
      depth: 2,
      createdAt: new Date(Date.now() - 60_000),
    });
    ids = [first.id, second.id];
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'exports as JSON to stdout or to a new file only the operator can read',
    async () => {
      const out = await colloquy(db, ['privacy:export', ' Carla@Example.NET ']);
      expect(out.code).toBe(0);
      const data = JSON.parse(out.stdout) as {
        email: string;
        comments: { id: number; ip: string | null; userAgent: string | null; content: string }[];
      };
      expect(data.email).toBe('carla@example.net');
      expect(data.comments.map((c) => c.id)).toEqual(ids);
      expect(data.comments[0]).toMatchObject({
        ip: '192.0.2.44',
        userAgent: 'Carla Browser',
        content: 'stored',
      });
      expect(out.stderr).toContain('colloquy: personal data exported: comments 2');
      expect(out.stderr.toLowerCase()).not.toContain('carla@example.net');

      const file = path.join(dir, 'carla.json');
      const written = await colloquy(db, ['privacy:export', 'carla@example.net', '--out', file]);
      expect(written).toMatchObject({ code: 0 });
      expect(written.stdout).toBe('');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { comments: { id: number }[] };
      expect(saved.comments.map((c) => c.id)).toEqual(ids);

      const again = await colloquy(db, ['privacy:export', 'carla@example.net', '--out', file]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('exists (--force replaces it)');
    },
    SLOW,
  );

  it(
    'refuses a bad address, a bad mode and missing arguments, changing nothing',
    async () => {
      const cases: [string[], string][] = [
        [['privacy:erase', 'carla', '--mode', 'remove'], 'That is not an email address.'],
        [
          ['privacy:erase', 'carla@example.net', '--mode', 'shred'],
          'The mode must be REMOVE or ANONYMISE.',
        ],
        [['privacy:erase', 'carla@example.net'], '--mode is required (remove or anonymise)'],
        [['privacy:erase', '--mode', 'remove'], 'privacy:erase needs <email>'],
        [
          ['privacy:export', 'a@example.net', 'b@example.net'],
          'unexpected argument "b@example.net"',
        ],
      ];
      for (const [args, message] of cases) {
        const run = await colloquy(db, args);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr).toContain(message);
      }
      expect(
        await server.repo<CommentRow>('Comment').countBy({ authorEmail: 'carla@example.net' }),
      ).toBe(2);
    },
    SLOW,
  );

  it(
    'erases with --mode anonymise: the running site shows Anonymous, the log names no address',
    async () => {
      const run = await colloquy(db, ['privacy:erase', 'CARLA@example.net', '--mode', 'anonymise']);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('colloquy: personal data erased (ANONYMISE): comments 2');
      expect(run.stderr.toLowerCase()).not.toContain('carla@example.net');
      const rows = await server.repo<CommentRow>('Comment').findBy({ authorName: 'Anonymous' });
      expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(ids);
      expect(rows.every((r) => r.authorEmail === '' && r.ip === null && r.userAgent === null)).toBe(
        true,
      );
      // Another process's change reaches the server's response cache (NOTIFY, or the SQLite change log).
      await eventually('the page to show the erasure', async () => {
        const html = await (await fetch(`${server.url}/posts/cli-privacy`)).text();
        return !html.includes('Carla Cli') && html.includes('Anonymous');
      });
      const empty = await colloquy(db, ['privacy:export', 'carla@example.net']);
      expect((JSON.parse(empty.stdout) as { comments: unknown[] }).comments).toEqual([]);
    },
    SLOW,
  );
});
