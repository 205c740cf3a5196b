import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config.js';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import { tables } from '../../src/modules/index.js';
import { seedIfEmpty } from '../../src/seed/seed.js';
import type { Database } from '../../src/db/database.js';
import { setDiscussionSettings } from './fixtures.js';
import { freshDatabase, type DbKind } from './server.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const MAIN = path.join(ROOT, 'packages/api/src/main.ts');

export function databaseUrl(db: DatabaseConfig): string {
  return db.kind === 'sqlite' ? `sqlite:${db.file}` : db.url;
}

/** The server as `pnpm start` runs it, in its own process, so a test can kill it. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident set size of the server process, in bytes (Linux /proc). */
  rss(): number;
  /** SIGKILL, as a crash or the OOM killer would; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (the server closes cleanly). */
  stop(): Promise<void>;
  /** Sends `signal` and returns at once. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited, with its exit code (null when a signal killed it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/**
 * Starts `node --import tsx src/main.ts` on `db` with PORT=0 and reads the
 * port from its start-up line. Killed after `timeoutMs` if it never says it
 * is serving.
 */
export function spawnServer(
  db: DatabaseConfig,
  options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const { env = {}, nodeArgs = [], timeoutMs = 30_000 } = options;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      // As `pnpm start` runs it (vitest sets NODE_ENV=test for itself).
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl(db),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.on('data', (more: Buffer) => (output += more.toString()));
      resolve({
        url: match[1]!,
        pid: child.pid!,
        rss: () => {
          const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
        },
        kill9: async () => {
          child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          await exited;
        },
        signal: (signal) => void child.kill(signal),
        exited,
        output: () => output,
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before serving:\n${output}`));
    });
  });
}

/**
 * Migrates and seeds `db` as start-up would, and turns off the repeat rules
 * that would refuse many comments from one address (flood) so a load test
 * measures the pipeline rather than its refusals.
 */
export async function prepareDatabase(db: DatabaseConfig): Promise<void> {
  const database = await openDatabase(createDatabase(db, { tables }));
  try {
    await seedIfEmpty(database);
    await setDiscussionSettings(database, { minSecondsBetweenComments: 0 });
  } finally {
    await database.close();
  }
}

/**
 * Runs `task(i)` for i in [0, count) with at most `concurrency` at once,
 * stopping early (no new tasks) once `deadline` (epoch ms) has passed.
 */
export async function runBounded(
  count: number,
  concurrency: number,
  deadline: number,
  task: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return next;
}

/**
 * A fresh database of `kind`, prepared (prepareDatabase), with whatever
 * `setUp` writes through a connection of the test's own, closed before it
 * resolves: ready for spawnServer.
 */
export async function preparedDatabase(
  kind: DbKind,
  setUp: (db: Database) => Promise<unknown> = async () => {},
): Promise<{ db: DatabaseConfig; drop: () => Promise<void> }> {
  const fresh = await freshDatabase(kind);
  await prepareDatabase(fresh.db);
  const database = await openDatabase(createDatabase(fresh.db, { tables }));
  try {
    await setUp(database);
  } finally {
    await database.close();
  }
  return fresh;
}

const SUBMIT_COMMENT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
  comment { id } status errors { code } } }`;

export interface Submitted {
  id: number;
  content: string;
}

/** The request body of one distinct comment submission (the duplicate rule lets each through), and its text. */
export function submission(tag: string, i: number): { body: string; content: string } {
  const content = `${tag} comment number ${i}, distinct so the duplicate rule lets it through.`;
  const body = JSON.stringify({
    query: SUBMIT_COMMENT,
    variables: {
      input: {
        postId: '1',
        authorName: `Load ${i}`,
        authorEmail: `${tag}-${i}@example.org`,
        content,
      },
    },
  });
  return { body, content };
}

/** One comment submission; the stored id when the server acknowledged it, null otherwise. */
export async function submitComment(
  url: string,
  i: number,
  tag: string,
): Promise<Submitted | null> {
  const { body: request, content } = submission(tag, i);
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: request,
  });
  const body = (await res.json()) as {
    data?: { submitComment: { comment: { id: string } | null; errors: unknown[] } };
  };
  const comment = body.data?.submitComment.comment;
  if (res.status !== 200 || !comment || body.data!.submitComment.errors.length > 0) return null;
  return { id: Number(comment.id), content };
}
