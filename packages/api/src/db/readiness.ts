import type { Database } from './database.js';

/** How long the readiness check waits for the database before it says "not ready". */
export const READINESS_TIMEOUT_MS = 2000;

export type Readiness = { ready: true } | { ready: false; reason: string; detail?: string };

/**
 * Whether this process can serve: the database answers (within
 * READINESS_TIMEOUT_MS: a database that went away must not hang a load
 * balancer's probe), every migration this version registers is recorded as
 * applied, and every table the entities name exists (a table dropped by
 * hand is noticed before the first request that needs it fails). Migrations
 * the database holds but this version does not know (a newer version's,
 * during a rolling upgrade) do not make it unready. `reason` is short and
 * public; `detail` (the driver's message) is for the log only.
 */
export async function checkReadiness(
  db: Database,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () => resolve({ ready: false, reason: `the database did not answer in ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([inspect(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function inspect(db: Database): Promise<Readiness> {
  let applied: Set<string>;
  let tables: Set<string>;
  try {
    const rows = await db.read.query<{ name: string }[]>('SELECT name FROM migrations');
    applied = new Set(rows.map((row) => row.name));
    const listed = await db.read.query<{ name: string }[]>(
      db.kind === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table'"
        : 'SELECT tablename AS name FROM pg_catalog.pg_tables WHERE schemaname = current_schema()',
    );
    tables = new Set(listed.map((row) => row.name));
  } catch (error) {
    return {
      ready: false,
      reason: 'the database cannot be read',
      detail: error instanceof Error ? error.message : String(error),
    };
  }
  const pending = db.writer.migrations
    .map((m) => m.name ?? m.constructor.name)
    .filter((name) => !applied.has(name));
  if (pending.length > 0) {
    return { ready: false, reason: `${pending.length} migration(s) not applied` };
  }
  const missing = [...new Set(db.writer.entityMetadatas.map((m) => m.tableName))].filter(
    (name) => !tables.has(name),
  );
  if (missing.length > 0) return { ready: false, reason: `missing tables: ${missing.join(', ')}` };
  return { ready: true };
}
