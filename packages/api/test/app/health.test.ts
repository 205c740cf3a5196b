import pg from 'pg';
import { afterEach, describe, expect, it, inject } from 'vitest';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

// /healthz (the process is alive) and /readyz (it can serve: database
// reachable and migrated), on the real server over HTTP, on both databases.

interface Probe {
  status: number;
  cacheControl: string | null;
  body: unknown;
}

async function probe(server: TestServer, path: '/healthz' | '/readyz'): Promise<Probe> {
  const res = await fetch(`${server.url}${path}`);
  return {
    status: res.status,
    cacheControl: res.headers.get('cache-control'),
    body: (await res.json()) as unknown,
  };
}

const ready = { status: 200, cacheControl: 'no-store', body: { ready: true } };
const notReady = (reason: string) => ({
  status: 503,
  cacheControl: 'no-store',
  body: { ready: false, reason },
});

describe.each(databaseKinds())('health probes on %s', (kind) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('/healthz answers without a query; /readyz answers ready, never cached', async () => {
    server = await startServer(kind);
    const s = server;
    let health: Probe | undefined;
    expect(await s.countQueries(async () => (health = await probe(s, '/healthz')))).toBe(0);
    expect(health).toEqual({ status: 200, cacheControl: 'no-store', body: { ok: true } });
    expect(await probe(s, '/readyz')).toEqual(ready);
    expect(await probe(s, '/readyz')).toEqual(ready);
  });

  it('/readyz says 503 while a migration is not applied, and 200 once it is again', async () => {
    server = await startServer(kind);
    const s = server;
    const [last] = await s.dataSource.query<{ name: string; timestamp: string }[]>(
      'SELECT name, timestamp FROM migrations ORDER BY timestamp DESC LIMIT 1',
    );
    await s.db.write((em) => em.query(`DELETE FROM migrations WHERE name = '${last!.name}'`));
    expect(await probe(s, '/readyz')).toEqual(notReady('1 migration(s) not applied'));
    expect((await probe(s, '/healthz')).status).toBe(200);
    await s.db.write((em) =>
      em.query(
        `INSERT INTO migrations (timestamp, name) VALUES (${last!.timestamp}, '${last!.name}')`,
      ),
    );
    expect(await probe(s, '/readyz')).toEqual(ready);
  });

  it('/readyz says 503 when a table is missing, or the migrations table itself', async () => {
    server = await startServer(kind);
    const s = server;
    await s.db.write((em) => em.query('DROP TABLE sign_in_attempts'));
    expect(await probe(s, '/readyz')).toEqual(notReady('missing tables: sign_in_attempts'));
    await s.db.write((em) => em.query('DROP TABLE migrations'));
    expect(await probe(s, '/readyz')).toEqual(notReady('the database cannot be read'));
    expect(await probe(s, '/healthz')).toEqual({
      status: 200,
      cacheControl: 'no-store',
      body: { ok: true },
    });
  });

  // Registered only there, so that the other database's run reports no skip.
  if (kind === 'postgres')
    it('/readyz says 503, without hanging, once the database is dropped; /healthz still 200', async () => {
      server = await startServer(kind);
      const s = server;
      expect(await probe(s, '/readyz')).toEqual(ready);
      const name = new URL(
        s.config.database.kind === 'postgres' ? s.config.database.url : '',
      ).pathname.slice(1);
      const admin = new pg.Client({ connectionString: inject('pgAdminUrl')! });
      await admin.connect();
      try {
        // Ends every connection of the server, then removes the database under it.
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      for (let i = 0; i < 3; i++) {
        expect(await probe(s, '/readyz')).toEqual(notReady('the database cannot be read'));
      }
      expect((await probe(s, '/healthz')).status).toBe(200);
    });
});
