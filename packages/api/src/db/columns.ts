import type { ColumnType } from 'typeorm';
import type { DbKind } from './database.js';

// Entities are EntitySchemas rather than decorated classes: no reliance on
// emitted decorator metadata, so tsc, tsx and vitest all see the same column
// types. Each module declares its own (modules/<name>/entities.ts).

export type { DbKind };

/** The primary key every table but the join tables has. */
export const ID_COLUMN = { type: 'integer', primary: true, generated: 'increment' } as const;

/** The column type for timestamps: timestamptz on PostgreSQL, datetime (UTC text) on SQLite. */
export function timestampType(kind: DbKind): ColumnType {
  return kind === 'postgres' ? 'timestamptz' : 'datetime';
}
