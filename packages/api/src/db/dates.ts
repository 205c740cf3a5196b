import type { DataSource } from 'typeorm';

/**
 * A Date as the database stores it, for hand-written WHERE clauses: TypeORM
 * converts entity values itself, but not query-builder parameters, and SQLite
 * keeps timestamps as UTC text.
 */
export function dbDate(ds: DataSource, date: Date): Date | string {
  if (ds.options.type === 'postgres') return date;
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
