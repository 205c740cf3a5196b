import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { databaseUrl } from '../support/process.js';
import { freshDatabase, startServer } from '../support/server.js';
import { writeLargeWxr } from '../support/wxr.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const CLI = path.join(ROOT, 'packages/api/src/cli.ts');

const POSTS = 100;
const COMMENTS_PER_POST = 1000;
// Peak resident memory allowed to the import of a ~120 MB file: a process
// that held the file as one string (let alone a DOM of it) would pass it; a
// streaming one stays near the CLI's own size (about 200 MB: Node, tsx,
// TypeORM, the SQLite driver).
const PEAK_RSS_CEILING = 300 * 1024 * 1024;

/** Runs the CLI and follows its peak resident memory (VmHWM) while it runs. */
function importWithPeak(
  db: DatabaseConfig,
  file: string,
): Promise<{ code: number | null; stdout: string; stderr: string; peakBytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'import:wxr', file], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl(db) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakBytes = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // VmHWM only grows: the last reading before the process ends is its peak (up to 100 ms).
    const poll = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
        peakBytes = Math.max(peakBytes, kb * 1024);
      } catch {
        // The process has just ended.
      }
    }, 100);
    // A safety bound only: the import of 100,000 comments takes about a minute on two cores.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, stdout, stderr, peakBytes });
    });
  });
}

describe.skipIf(process.platform !== 'linux')('WordPress import of a large export', () => {
  let db: DatabaseConfig;
  let drop: () => Promise<void>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-wxr-big-'));
  const file = path.join(dir, 'big.xml');
  let written: { bytes: number; approvedPerPost: number };
  beforeAll(async () => {
    ({ db, drop } = await freshDatabase('sqlite'));
    written = await writeLargeWxr(file, {
      posts: POSTS,
      commentsPerPost: COMMENTS_PER_POST,
      filler: 400,
    });
  }, 120_000);
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'imports 100,000 comments in bounded memory, with their counters right',
    async () => {
      expect(written.bytes).toBeGreaterThan(115 * 1024 * 1024);
      const run = await importWithPeak(db, file);
      expect(run.stderr).not.toContain('failed');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^ {2}posts {6}imported 100, /m);
      expect(run.stdout).toMatch(/^ {2}comments {3}imported 100000, /m);
      expect(run.peakBytes).toBeGreaterThan(0);
      expect(run.peakBytes).toBeLessThan(PEAK_RSS_CEILING);

      const server = await startServer('sqlite', { database: db });
      try {
        const res = await server.gql<{
          post: { commentCount: number; comments: { totalCount: number } };
        }>('{ post(slug: "post-57") { commentCount comments(first: 1) { totalCount } } }');
        expect(res.data!.post).toEqual({
          commentCount: written.approvedPerPost,
          comments: { totalCount: COMMENTS_PER_POST / 4 },
        });
      } finally {
        await server.close();
      }
    },
    12 * 60_000,
  );
});
