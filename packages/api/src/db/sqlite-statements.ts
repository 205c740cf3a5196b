import sqlite3 from 'sqlite3';

type Method = 'run' | 'all';

/** sqlite3's Statement constructor (not in its typings): prepares `sql`, then calls back. */
const Statement = sqlite3.Statement as unknown as new (
  db: sqlite3.Database,
  sql: string,
  prepared: (error: Error | null) => void,
) => sqlite3.Statement;
type Callback = (this: unknown, error: Error | null, rows?: unknown) => void;

interface Entry {
  statement: sqlite3.Statement;
  /** Prepared, and run once without error: others may use it now. */
  ready: boolean;
}

/** How many prepared statements the writer keeps (the least recently used go first). */
export const KEPT_STATEMENTS = 200;

// What is worth keeping: the statements of units of work, not DDL or PRAGMAs run once.
const KEPT = /^\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * The SQLite writer's connection, keeping its prepared statements.
 *
 * sqlite3 (node-sqlite3) runs every `db.run(sql)` / `db.all(sql)` as two
 * trips to the libuv thread pool, one to prepare the statement and one to
 * run it, and finalizes it after. The writer is one unit of work at a time,
 * so every trip inside a unit is time no other write can use, and each trip
 * also waits for the event loop to come back to it. A kept statement is
 * prepared once and then costs one trip: BEGIN IMMEDIATE, COMMIT and the
 * INSERT of a comment are the same text every time.
 *
 * Only the calls TypeORM makes (`run` or `all` with an array of parameters
 * and a callback) are kept; anything else goes to sqlite3 as it is. A
 * statement is kept once it ran without error (until then others prepare
 * their own), dropped after any error, and finalized before the connection
 * closes. `run` of a statement with RETURNING is not kept: `run` steps it
 * only once, and a kept statement left mid-way would hold the transaction.
 */
export class StatementKeepingDatabase extends sqlite3.Database {
  private readonly kept = new Map<string, Entry>();

  override run(sql: string, ...args: unknown[]): this {
    return this.execute('run', sql, args);
  }

  override all(sql: string, ...args: unknown[]): this {
    return this.execute('all', sql, args);
  }

  override close(callback?: (error: Error | null) => void): void {
    for (const entry of this.kept.values()) entry.statement.finalize();
    this.kept.clear();
    super.close(callback);
  }

  private execute(method: Method, sql: string, args: unknown[]): this {
    const [params, callback] = args;
    const keepable =
      args.length === 2 &&
      typeof callback === 'function' &&
      (params === undefined || Array.isArray(params)) &&
      KEPT.test(sql) &&
      // With no parameters given, a kept statement would run with the previous call's.
      ((params?.length ?? 0) > 0 || !/[?$:@]/.test(sql)) &&
      !(method === 'run' && /\bRETURNING\b/i.test(sql));
    const entry = keepable ? this.kept.get(sql) : undefined;
    if (!keepable || (entry && !entry.ready)) {
      return method === 'run' ? super.run(sql, ...args) : super.all(sql, ...args);
    }
    const done = callback as Callback;
    const values = (params ?? []) as unknown[];

    if (entry) {
      // Most recently used last: the first in the map is the next to go.
      this.kept.delete(sql);
      this.kept.set(sql, entry);
      this.step(entry, method, values, (error) => error && this.forget(sql, entry), done);
      return this;
    }

    const fresh: Entry = {
      statement: new Statement(this, sql, (error) => {
        if (!error) return;
        // Preparing failed: sqlite3 drops the call queued behind it, so the caller hears it here.
        this.forget(sql, fresh);
        done.call(fresh.statement, error);
      }),
      ready: false,
    };
    this.kept.set(sql, fresh);
    if (this.kept.size > KEPT_STATEMENTS) {
      const [oldest, dropped] = this.kept.entries().next().value as [string, Entry];
      this.forget(oldest, dropped);
    }
    this.step(
      fresh,
      method,
      values,
      (error) => (error ? this.forget(sql, fresh) : (fresh.ready = true)),
      done,
    );
    return this;
  }

  private step(
    entry: Entry,
    method: Method,
    values: unknown[],
    after: (error: Error | null) => unknown,
    done: Callback,
  ): void {
    // `this` in the callback is the statement: TypeORM reads lastID and changes from it.
    entry.statement[method](values, function (this: unknown, error: Error | null, rows?: unknown) {
      after(error);
      done.call(this, error, rows);
    });
  }

  private forget(sql: string, entry: Entry): void {
    if (this.kept.get(sql) === entry) this.kept.delete(sql);
    // Queued by sqlite3 behind a call still running on it.
    entry.statement.finalize();
  }
}

/**
 * The sqlite3 module as TypeORM gets it. TypeORM calls `verbose()` on the
 * driver, which wraps every statement to record a long stack trace: a cost
 * on each query that only helps while debugging the driver itself. The
 * writer's connections keep their prepared statements.
 */
export function sqliteDriver(keepStatements: boolean): object {
  const driver = keepStatements
    ? { ...sqlite3, Database: StatementKeepingDatabase }
    : { ...sqlite3 };
  return { ...driver, verbose: () => driver };
}
