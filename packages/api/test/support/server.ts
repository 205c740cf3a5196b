import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { DataSource, ObjectLiteral, Repository } from 'typeorm';
import { inject } from 'vitest';
import { WRITES } from '../../../../eslint-rules/unit-of-work.js';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { createDatabase, openDatabase, QueryCounter } from '../../src/db/data-source.js';
import { seedIfEmpty } from '../../src/seed/seed.js';
import { modules as appModules, tablesOf } from '../../src/modules/index.js';
import type { AnyModule } from '../../src/modules/module.js';

export type DbKind = DatabaseConfig['kind'];

/**
 * The databases every integration suite runs on: SQLite always, PostgreSQL
 * when the global setup started a cluster (always in CI).
 */
export function databaseKinds(): DbKind[] {
  return inject('pgAdminUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty database of the given kind: a new SQLite file or a new PostgreSQL database. */
export async function freshDatabase(
  kind: DbKind,
): Promise<{ db: DatabaseConfig; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-test-'));
    return {
      db: { kind, file: path.join(dir, 'colloquy.db') },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = inject('pgAdminUrl');
  if (!admin) throw new Error('PostgreSQL is not available');
  const name = `colloquy_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    db: { kind, url: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const TEST_PUBLIC_URL = 'https://blog.example.org';

/** A log stream to hand startServer (`logStream`), and everything written to it so far. */
export function capturedLog(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
  raw: string;
}

export interface TestServer {
  url: string;
  config: Config;
  /** The server's database: `db.write(em => …)` for fixtures, as the app writes. */
  db: Database;
  /** The read-only side of it (`db.reader`), for assertions. */
  dataSource: DataSource;
  /**
   * A repository for test set-up and assertions: reads go to the reader,
   * and each write is a unit of work of its own, queued like the app's.
   */
  repo<T extends ObjectLiteral>(entity: string): Repository<T>;
  counter: QueryCounter;
  app: FastifyInstance;
  /** POSTs a GraphQL operation as JSON (anonymously unless `headers` say otherwise). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Like gql, with `Authorization: Bearer <token>`. */
  gqlAs<T = Record<string, unknown>>(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** Runs `fn` and returns how many SQL statements it cost. */
  countQueries(fn: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the real server (the same buildApp as `pnpm start`) on 127.0.0.1
 * with an ephemeral port, on a fresh database, migrated and seeded.
 */
export async function startServer(
  kind: DbKind,
  options: {
    seed?: boolean;
    logStream?: NodeJS.WritableStream;
    /** Extra environment for loadConfig (e.g. COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH). */
    env?: Record<string, string>;
    /** Adjusts the loaded configuration before the app is built (e.g. job timings). */
    configure?: (config: Config) => void;
    /** An existing database to serve (left in place on close) instead of a fresh one. */
    database?: DatabaseConfig;
    /** The modules to serve, when not the app's own (modules/index.ts). */
    modules?: readonly AnyModule[];
  } = {},
): Promise<TestServer> {
  const { db, drop } = options.database
    ? { db: options.database, drop: async () => {} }
    : await freshDatabase(kind);
  const base = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: TEST_PUBLIC_URL,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const config: Config = { ...base, database: db, logLevel: options.logStream ? 'info' : 'silent' };
  options.configure?.(config);
  const counter = new QueryCounter();
  const modules = options.modules ?? appModules;
  const database = createDatabase(db, { tables: tablesOf(modules), counter });
  await openDatabase(database);
  if (options.seed !== false) await seedIfEmpty(database);
  const app = await buildApp({ config, db: database, logStream: options.logStream, modules });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;

  async function gql<T>(
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables, operationName }),
    });
    const raw = await res.text();
    const body = JSON.parse(raw) as Omit<GraphQLResponse<T>, 'status' | 'raw'>;
    return { status: res.status, raw, ...body };
  }

  return {
    url,
    config,
    db: database,
    dataSource: database.reader,
    repo: (entity) => unitOfWorkRepository(database, entity),
    counter,
    app,
    gql,
    gqlAs: (token, query, variables) =>
      gql(query, variables, undefined, { authorization: `Bearer ${token}` }),
    async countQueries(fn) {
      await quiet(counter);
      const before = counter.count;
      await fn();
      return counter.count - before;
    },
    async close() {
      await app.close();
      await database.close();
      await drop();
    },
  };
}

/**
 * Waits until no statement has run for a moment: work a previous write
 * started in the background (the schedule watch reading the next scheduled
 * post after a change of posts) is not counted with the next request.
 */
export async function quiet(counter: QueryCounter, forMs = 60, atMostMs = 3000): Promise<void> {
  const deadline = Date.now() + atMostMs;
  let seen = counter.count;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, forMs));
    if (counter.count === seen) return;
    seen = counter.count;
  }
}

function unitOfWorkRepository<T extends ObjectLiteral>(
  db: Database,
  entity: string,
): Repository<T> {
  const reads = db.reader.getRepository<T>(entity);
  return new Proxy(reads, {
    get(target, key, receiver) {
      if (typeof key === 'string' && WRITES.has(key)) {
        return (...args: unknown[]) =>
          db.write((em) => {
            const repo = em.getRepository<T>(entity) as unknown as Record<
              string,
              (...a: unknown[]) => Promise<unknown>
            >;
            return repo[key]!(...args);
          });
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
