import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type Logger, type QueryRunner } from 'typeorm';
import type { DatabaseConfig } from '../config.js';
import { createEntities } from './entities.js';
import { Initial1795478400000 } from './migrations/1795478400000-initial.js';
import { Accounts1795478500000 } from './migrations/1795478500000-accounts.js';
import { Discussion1795478600000 } from './migrations/1795478600000-discussion.js';
import { Linkbacks1795478700000 } from './migrations/1795478700000-linkbacks.js';
import { Editorial1795478800000 } from './migrations/1795478800000-editorial.js';

export const migrations = [
  Initial1795478400000,
  Accounts1795478500000,
  Discussion1795478600000,
  Linkbacks1795478700000,
  Editorial1795478800000,
];

/**
 * Counts SQL statements. Tests and the benchmark read it to assert how many
 * statements one request costs.
 */
export class QueryCounter {
  count = 0;
}

/** TypeORM logger that counts statements and reports only failures (without parameters). */
class CountingLogger implements Logger {
  constructor(
    private readonly counter: QueryCounter,
    private readonly onError: (message: string) => void,
  ) {}
  logQuery(): void {
    this.counter.count++;
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

export interface CreateDataSourceOptions {
  counter?: QueryCounter;
  onError?: (message: string) => void;
}

export function createDataSource(
  db: DatabaseConfig,
  options: CreateDataSourceOptions = {},
): DataSource {
  const entities = Object.values(createEntities(db.kind));
  const logger = new CountingLogger(
    options.counter ?? new QueryCounter(),
    options.onError ?? (() => {}),
  );
  if (db.kind === 'sqlite') {
    if (db.file !== ':memory:') fs.mkdirSync(path.dirname(db.file), { recursive: true });
    return new DataSource({
      type: 'sqlite',
      database: db.file,
      entities,
      migrations,
      logger,
      logging: true,
      enableWAL: true,
      // Readers and the writer share one connection; wait rather than fail on a lock.
      busyTimeout: 5000,
    });
  }
  return new DataSource({
    type: 'postgres',
    url: db.url,
    entities,
    migrations,
    logger,
    logging: true,
    extra: { max: 10 },
  });
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(ds: DataSource): Promise<DataSource> {
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

export type { QueryRunner };
