import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const apiMain = path.resolve(import.meta.dirname, '../../api/dist/main.js');

export interface RunningServer {
  url: string;
  dataDir: string;
  /** Its DATABASE_URL, for the operator CLI (e2e/admin.ts). */
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts Colloquy exactly as `pnpm start` runs it (the built API serving the
 * built SPA) on a fresh SQLite file and an ephemeral loopback port, with
 * `env` on top (e.g. a test-only setting).
 */
export async function startColloquy(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!fs.existsSync(apiMain)) throw new Error(`${apiMain} is missing: run \`pnpm build\` first.`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-e2e-'));
  const databaseUrl = `sqlite:${path.join(dataDir, 'colloquy.db')}`;
  const child: ChildProcess = spawn(process.execPath, [apiMain], {
    env: {
      ...process.env,
      // As `pnpm start` runs it (vitest sets NODE_ENV=test for itself).
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    databaseUrl,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
