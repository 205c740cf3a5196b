import type { DbKind } from './database.js';

/**
 * Numbered parameters for hand-written SQL on either database: `$1` on
 * PostgreSQL, `?1` on SQLite. A value added once can be referred to again by
 * its placeholder, and placeholders may appear in any order in the text.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly kind: DbKind) {}

  /** The placeholder of a new parameter. */
  add(value: unknown): string {
    this.values.push(value);
    return this.kind === 'postgres' ? `$${this.values.length}` : `?${this.values.length}`;
  }

  /**
   * An integer parameter where PostgreSQL cannot infer the type from the
   * context (CASE results, LIMIT expressions); SQLite binds integral
   * numbers as integers anyway.
   */
  int(value: number): string {
    const placeholder = this.add(value);
    return this.kind === 'postgres' ? `${placeholder}::integer` : placeholder;
  }

  /** Placeholders of a list of values, comma-separated (for IN (…); the list must not be empty). */
  list(values: readonly unknown[]): string {
    return values.map((v) => this.add(v)).join(', ');
  }
}
