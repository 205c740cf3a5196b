import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

/**
 * Inserts one row and returns it with its new id. A plain INSERT rather than save():
 * TypeORM wraps save() in a transaction of its own, and on SQLite every
 * caller shares one query runner, so concurrent requests would nest into
 * each other's transactions (see db/transactions.ts).
 */
export async function insertRow<T extends { id: number }>(
  repo: Repository<T>,
  values: Omit<T, 'id'>,
): Promise<T> {
  const result = await repo.insert(values as unknown as QueryDeepPartialEntity<T>);
  const id = (result.identifiers[0] as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'number')
    throw new Error(`INSERT into ${repo.metadata.tableName} returned no id`);
  return { ...values, id } as T;
}
