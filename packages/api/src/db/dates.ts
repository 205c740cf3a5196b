import type { DataSource } from 'typeorm';
import type { Database } from './database.js';

/**
 * A Date as the database stores it, for hand-written WHERE clauses: TypeORM
 * converts entity values itself, but not query-builder parameters, and SQLite
 * keeps timestamps as UTC text.
 */
export function dbDate(on: Pick<Database, 'kind'> | DataSource, date: Date): Date | string {
  const kind = 'kind' in on ? on.kind : on.options.type;
  if (kind === 'postgres') return date;
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * A timestamp read by hand-written SQL (an aggregate, say, which TypeORM does
 * not convert): a Date on PostgreSQL, UTC text on SQLite; null stays null.
 */
export function parseDbDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
