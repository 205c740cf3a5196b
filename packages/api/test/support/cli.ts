import { spawn } from 'node:child_process';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const CLI = path.join(ROOT, 'packages/api/src/cli.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the operator CLI as an operator would (from the repository root) on
 * `db`, with `stdin` piped in (passwords are read from stdin, never argv).
 * Killed after `timeoutMs` (20 s) so a hung prompt cannot hang the suite.
 */
export function colloquy(
  db: DatabaseConfig,
  args: string[],
  stdin = '',
  via: 'node' | 'pnpm' = 'node',
  timeoutMs = 20_000,
): Promise<CliRun> {
  const databaseUrl = db.kind === 'sqlite' ? `sqlite:${db.file}` : db.url;
  // `pnpm -s colloquy` is what the README tells operators to type; plain node skips pnpm's start-up.
  const [command, argv] =
    via === 'pnpm'
      ? ['pnpm', ['-s', 'colloquy', ...args]]
      : [process.execPath, ['--import', 'tsx', CLI, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}
