import type { Database } from './database.js';

/** Rows changed per unit of work: a batch holds SQLite's write lock only briefly. */
export const PRUNE_BATCH = 1000;

/**
 * Deletes (or, with `set`, updates) the rows of `table` that `where` picks,
 * PRUNE_BATCH at a time, each batch its own unit of work, until a batch comes
 * up short; returns how many rows it changed. `where` is SQL over the table's
 * columns with `:name` parameters; it must stop picking a row once the row is
 * changed (a deleted row always does), or the loop would not end.
 *
 * `set` names the entity's properties.
 * `tags`: what readers see of the change (db.changed); none for private tables.
 */
export async function inBatches(
  db: Database,
  work: {
    /** The entity's name (for TypeORM) and its table's (for the SQL of `where`). */
    entity: string;
    table: string;
    where: string;
    params: Record<string, unknown>;
    set?: Record<string, null>;
    tags?: readonly string[];
  },
): Promise<number> {
  const picked = `id IN (SELECT id FROM ${work.table} WHERE ${work.where} LIMIT ${PRUNE_BATCH})`;
  let total = 0;
  for (;;) {
    const changed = await db.write(async (em) => {
      db.changed(...(work.tags ?? []));
      const qb = em.createQueryBuilder();
      const result = work.set
        ? await qb.update(work.entity).set(work.set).where(picked, work.params).execute()
        : await qb.delete().from(work.entity).where(picked, work.params).execute();
      return result.affected ?? 0;
    });
    total += changed;
    if (changed < PRUNE_BATCH) return total;
  }
}
