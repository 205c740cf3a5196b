import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import {
  DataSource,
  type EntitySchema,
  type Logger,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import type { DatabaseConfig } from '../config.js';
import { LocalOnly, PgChangeChannel, SqliteChangeLog } from './change-transport.js';
import { StatementObserver, TypeOrmDatabase, type Database } from './database.js';
import { settingEntities } from './settings.js';
import { sqliteDriver } from './sqlite-statements.js';
import { StatementPreparingClient } from './pg-statements.js';
import type { DbKind } from './columns.js';
import { Initial1795478400000 } from './migrations/1795478400000-initial.js';
import { Accounts1795478500000 } from './migrations/1795478500000-accounts.js';
import { Discussion1795478600000 } from './migrations/1795478600000-discussion.js';
import { Linkbacks1795478700000 } from './migrations/1795478700000-linkbacks.js';
import { Editorial1795478800000 } from './migrations/1795478800000-editorial.js';
import { ChangeLog1795478900000 } from './migrations/1795478900000-change-log.js';

/**
 * The migrations written before modules owned their tables (frozen, they
 * create and change tables of several modules), and those of the database
 * layer's own tables (settings, the change log). Newer ones belong to the
 * module whose tables they touch (ColloquyModule.migrations).
 */
export const coreMigrations = [
  Initial1795478400000,
  Accounts1795478500000,
  Discussion1795478600000,
  Linkbacks1795478700000,
  Editorial1795478800000,
  ChangeLog1795478900000,
];

/**
 * Counts SQL statements. Tests and the benchmark read it to assert how many
 * statements one request costs.
 */
export class QueryCounter {
  count = 0;
  /** Of which on the reader (read-only connections) and on the writer (units of work, migrations). */
  reader = 0;
  writer = 0;
  /**
   * For tests (the query-plan test): sees each statement with its parameters.
   * Never wired to a log: parameters can hold a commenter's email.
   */
  onStatement?: (query: string, parameters: readonly unknown[] | undefined) => void;
}

/** TypeORM logger that counts statements and reports only failures (without parameters). */
class CountingLogger implements Logger {
  constructor(
    private readonly counter: QueryCounter,
    private readonly onError: (message: string) => void,
    private readonly statements: StatementObserver,
    private readonly role: 'reader' | 'writer',
  ) {}
  logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.counter.count++;
    this.counter[this.role]++;
    this.counter.onStatement?.(query, parameters);
    this.statements.observe(query, queryRunner);
  }
  logQueryError(error: string | Error, query: string): void {
    // Parameters are left out on purpose: they can hold a commenter's email.
    this.onError(
      `SQL error: ${error instanceof Error ? error.message : error} in: ${query.slice(0, 200)}`,
    );
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.onError(String(message));
  }
}

/** What the database holds: every module's entities and migrations (see modules/index.ts). */
export interface Tables {
  entities: (kind: DbKind) => EntitySchema[];
  migrations: readonly (new () => MigrationInterface)[];
  /** Tables whose rows no reader's response shows (ColloquyModule.privateTables). */
  privateTables?: readonly string[];
}

export interface CreateDatabaseOptions {
  tables: Tables;
  counter?: QueryCounter;
  onError?: (message: string) => void;
}

/** The size the SQLite WAL file is truncated to after a checkpoint, in bytes. */
export const SQLITE_WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/** How long a SQLite connection waits for another one (the CLI, a backup) to release a lock. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * The database's connections: a writer (the unit of work's, and the
 * migrations') and a reader that cannot write. Nothing is opened yet:
 * openDatabase() does that.
 */
export function createDatabase(db: DatabaseConfig, options: CreateDatabaseOptions): Database {
  const entities = [...settingEntities(db.kind), ...options.tables.entities(db.kind)];
  const migrations = [...coreMigrations, ...options.tables.migrations];
  const onError = options.onError ?? (() => {});
  const statements = new StatementObserver(['change_log', ...(options.tables.privateTables ?? [])]);
  const counter = options.counter ?? new QueryCounter();
  // One logger per role, so that counting by role costs no lookup.
  const loggerOf = (role: 'reader' | 'writer') =>
    new CountingLogger(counter, onError, statements, role);
  if (db.kind === 'sqlite') {
    if (db.file !== ':memory:') fs.mkdirSync(path.dirname(db.file), { recursive: true });
    const sqlite = (flags?: number) =>
      new DataSource({
        type: 'sqlite',
        database: db.file,
        // The writer keeps its prepared statements (sqlite-statements.ts). The
        // reader does not, for now: its requests share a kept statement, and one
        // that fails while others are queued on it is finalized under them.
        driver: sqliteDriver(flags === undefined),
        ...(flags === undefined ? {} : { flags }),
        entities,
        migrations,
        logger: loggerOf(flags === undefined ? 'writer' : 'reader'),
        logging: true,
        // WAL: readers never wait for the writer, nor the writer for readers.
        // Set by the writer; the mode is kept in the file.
        enableWAL: flags === undefined,
        busyTimeout: SQLITE_BUSY_TIMEOUT_MS,
      });
    const writer = sqlite();
    // An in-memory database is one connection's alone: there reads share the writer's.
    const reader = db.file === ':memory:' ? writer : sqlite(sqlite3.OPEN_READONLY);
    const transport = db.file === ':memory:' ? new LocalOnly() : new SqliteChangeLog(db.file);
    return new TypeOrmDatabase(writer, reader, onError, transport, statements, counter);
  }
  const postgres = (readOnly: boolean) =>
    new DataSource({
      type: 'postgres',
      url: db.url,
      entities,
      migrations,
      logger: loggerOf(readOnly ? 'reader' : 'writer'),
      logging: true,
      // Connections that prepare each statement once (pg-statements.ts).
      extra: {
        max: 10,
        Client: StatementPreparingClient,
        ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
      },
    });
  return new TypeOrmDatabase(
    postgres(false),
    postgres(true),
    onError,
    new PgChangeChannel(db.url),
    statements,
    counter,
  );
}

/** Opens the database and applies pending migrations (on the writer, before any reader connects). */
export async function openDatabase(db: Database): Promise<Database> {
  await db.writer.initialize();
  try {
    if (db.kind === 'sqlite') {
      // WAL checkpoints stay SQLite's automatic PASSIVE ones (every ~1000 pages): they
      // never block a reader or the writer. This only caps the WAL file kept between them.
      await db.writer.query(`PRAGMA journal_size_limit = ${SQLITE_WAL_SIZE_LIMIT}`);
    }
    await db.writer.runMigrations({ transaction: 'each' });
    if (db.reader !== db.writer) await db.reader.initialize();
    await db.startChanges();
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

export type { QueryRunner };
