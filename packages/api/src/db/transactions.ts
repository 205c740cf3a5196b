import type { DataSource, EntityManager } from 'typeorm';

export type RunInTransaction = <T>(work: (em: EntityManager) => Promise<T>) => Promise<T>;

/**
 * Transactions that do not interfere with each other. TypeORM's SQLite driver
 * hands every caller the same query runner, so two concurrent transactions
 * would nest into each other's savepoints (and one request's rollback could
 * undo another's write). On SQLite they are therefore queued, one at a time;
 * SQLite allows a single writer anyway. PostgreSQL gives each transaction its
 * own pooled connection.
 */
export function createTransactionRunner(ds: DataSource): RunInTransaction {
  if (ds.options.type !== 'sqlite') return (work) => ds.transaction(work);
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(() => ds.transaction(work));
    tail = run.catch(() => undefined);
    return run;
  };
}
