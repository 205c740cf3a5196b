import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';

/** What one listen() heard, in order, and a way to wait for the next of it. */
export interface Heard {
  payloads: string[];
  reconnects: number;
  /** Resolves once `count` payloads have been heard in all (fails the test after 10 s). */
  until(count: number): Promise<string[]>;
  /** Resolves once `payload` has been heard (fails the test after 10 s). */
  untilHeard(payload: string): Promise<string[]>;
  /** Resolves once the reconnect hook has run `count` times in all (fails after 10 s). */
  untilReconnects(count: number): Promise<void>;
  stop(): Promise<void>;
}

/** Listens on `channel` and records what arrives. */
export async function hear(db: Database, channel: string): Promise<Heard> {
  const payloads: string[] = [];
  let reconnects = 0;
  const waiters = new Set<() => void>();
  const changed = () => [...waiters].forEach((check) => check());
  const waitFor = (done: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`waited in vain for ${what} (heard ${JSON.stringify(payloads)})`));
      }, 10_000);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  const stop = await db.listen(
    channel,
    (payload) => {
      payloads.push(payload);
      changed();
    },
    {
      onReconnect: () => {
        reconnects++;
        changed();
      },
    },
  );
  return {
    payloads,
    get reconnects() {
      return reconnects;
    },
    async until(count) {
      await waitFor(() => payloads.length >= count, `${count} notifications on ${channel}`);
      return payloads;
    },
    async untilHeard(payload) {
      await waitFor(() => payloads.includes(payload), `"${payload}" on ${channel}`);
      return payloads;
    },
    untilReconnects: (count) => waitFor(() => reconnects >= count, `reconnect ${count}`),
    stop,
  };
}

/**
 * Runs `sql` on PostgreSQL outside the app's connections (as an operator's
 * psql would), e.g. to look at or kill the app's connections.
 */
export async function psql<T extends pg.QueryResultRow>(
  db: DatabaseConfig,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (db.kind !== 'postgres') throw new Error('psql() is for PostgreSQL');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The app's listener connections on this database (pg_stat_activity), by application_name. */
export async function listenerConnections(db: DatabaseConfig): Promise<number> {
  const [row] = await psql<{ n: string }>(
    db,
    `SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'colloquy-listener'`,
  );
  return Number(row!.n);
}

/**
 * Kills the app's listener connections on this database, as a restart or a
 * failover would, and waits until they are gone.
 */
export async function killListeners(db: DatabaseConfig): Promise<number> {
  const rows = await psql<{ killed: boolean }>(
    db,
    `SELECT pg_terminate_backend(pid, 10000) AS killed FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'colloquy-listener'`,
  );
  return rows.filter((r) => r.killed).length;
}
