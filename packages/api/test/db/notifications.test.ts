import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { createDatabase, openDatabase, QueryCounter } from '../../src/db/data-source.js';
import { PgListener } from '../../src/db/pg-listener.js';
import { tables } from '../../src/modules/index.js';
import { hear, killListeners, listenerConnections, psql } from '../support/notifications.js';
import { databaseKinds, freshDatabase } from '../support/server.js';

/** A process's database: its own pools (and, on PostgreSQL, its own listener connection). */
async function openProcess(config: DatabaseConfig, counter?: QueryCounter): Promise<Database> {
  return openDatabase(createDatabase(config, { tables, counter }));
}

describe.each(databaseKinds())('listen and notify on %s', (kind) => {
  let config: DatabaseConfig;
  let drop: () => Promise<void>;
  let db: Database;
  let n = 0;
  /** A channel no other test uses. */
  const channel = () => `test_${kind}_${++n}`;

  beforeAll(async () => {
    ({ db: config, drop } = await freshDatabase(kind));
    db = await openProcess(config);
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('delivers what a unit of work sent once it commits, in commit order, and nothing it sent before rolling back', async () => {
    const ch = channel();
    const heard = await hear(db, ch);
    await db.write(() => db.notify(ch, 'first'));
    await db
      .write(async () => {
        await db.notify(ch, 'rolled back');
        throw new Error('on purpose');
      })
      .catch(() => undefined);
    await db.write(async () => {
      await db.notify(ch, 'second');
      await db.notify(ch, 'third');
    });
    // Had the rolled-back one been sent, it would have come before "second".
    expect(await heard.until(3)).toEqual(['first', 'second', 'third']);
    await heard.stop();
  });

  it('hands each listener of a channel every notification on it, and stops when told', async () => {
    const ch = channel();
    const other = channel();
    const a = await hear(db, ch);
    const b = await hear(db, ch);
    const elsewhere = await hear(db, other);
    await db.write(() => db.notify(ch, 'both'));
    expect(await a.until(1)).toEqual(['both']);
    expect(await b.until(1)).toEqual(['both']);
    await a.stop();
    await db.write(async () => {
      await db.notify(ch, 'b only');
      await db.notify(other, 'marker');
    });
    expect(await elsewhere.until(1)).toEqual(['marker']);
    expect(await b.until(2)).toEqual(['both', 'b only']);
    expect(a.payloads).toEqual(['both']);
    await b.stop();
    await elsewhere.stop();
  });

  it('is sent inside a unit of work only, on a plain channel name, with a payload under 8000 bytes', async () => {
    await expect(db.notify(channel(), 'x')).rejects.toThrow(/inside a unit of work/);
    await expect(db.listen('Not-A-Channel', () => {})).rejects.toThrow(/lower-case identifier/);
    await expect(db.write(() => db.notify('drop table', 'x'))).rejects.toThrow(
      /lower-case identifier/,
    );
    await expect(db.write(() => db.notify(channel(), 'x'.repeat(8000)))).rejects.toThrow(
      /over 7999 bytes/,
    );
  });

  it('keeps a failing listener from reaching the sender or the other listeners', async () => {
    const ch = channel();
    const errors: string[] = [];
    const noisy = await openDatabase(
      createDatabase(config, { tables, onError: (m) => errors.push(m) }),
    );
    try {
      const stop = await noisy.listen(ch, () => {
        throw new Error('listener bug');
      });
      const heard = await hear(noisy, ch);
      await noisy.write(() => noisy.notify(ch, 'payload'));
      expect(await heard.until(1)).toEqual(['payload']);
      expect(errors.join('\n')).toMatch(/listener bug/);
      await stop();
      await heard.stop();
    } finally {
      await noisy.close();
    }
  });

  if (kind === 'sqlite') {
    it('delivers within this process only: another process on the file is not told', async () => {
      const ch = channel();
      const other = await openProcess(config);
      try {
        const here = await hear(db, ch);
        const there = await hear(other, ch);
        await db.write(() => db.notify(ch, 'local'));
        expect(here.payloads).toEqual(['local']); // delivered before write() resolved
        expect(there.payloads).toEqual([]);
        await here.stop();
        await there.stop();
      } finally {
        await other.close();
      }
    });
  }

  if (kind === 'postgres') {
    it('reaches every process on the database, each over one listener connection whatever its channels', async () => {
      const ch1 = channel();
      const ch2 = channel();
      const sender = await openProcess(config);
      const other = await openProcess(config);
      try {
        const here = [await hear(db, ch1), await hear(db, ch2), await hear(db, ch2)];
        const there = await hear(other, ch1);
        await sender.write(async () => {
          await sender.notify(ch1, 'one');
          await sender.notify(ch2, 'two');
        });
        expect(await here[0]!.until(1)).toEqual(['one']);
        expect(await here[1]!.until(1)).toEqual(['two']);
        expect(await here[2]!.until(1)).toEqual(['two']);
        expect(await there.until(1)).toEqual(['one']);
        // db and other listen (one connection each); the sender, which only sends, has none.
        expect(await listenerConnections(config)).toBe(2);
        for (const h of [...here, there]) await h.stop();
      } finally {
        await sender.close();
        await other.close();
      }
    });

    it('reconnects after its connection is killed, says so, and hears what is sent afterwards', async () => {
      const ch = channel();
      const counter = new QueryCounter();
      const listening = await openProcess(config, counter);
      const opened = counter.count; // the migrations' look at the schema
      try {
        const heard = await hear(listening, ch);
        await db.write(() => db.notify(ch, 'before'));
        await heard.until(1);
        expect(await killListeners(config)).toBeGreaterThanOrEqual(1);
        // Sent while the connection is down: lost, which is what onReconnect is for.
        await db.write(() => db.notify(ch, 'while down'));
        await heard.untilReconnects(1);
        const backend = await psql<{ query: string }>(
          config,
          `SELECT query FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'colloquy-listener'`,
        );
        expect(backend.map((b) => b.query)).toContainEqual(expect.stringMatching(/^LISTEN /));
        await db.write(() => db.notify(ch, 'after'));
        const payloads = await heard.untilHeard('after');
        // "while down" may or may not have been heard, depending on how fast the reconnect was.
        expect(payloads.filter((p) => p !== 'while down')).toEqual(['before', 'after']);
        // The listener's connection is its own: none of this went through the app's pools.
        expect(counter.count - opened).toBe(0);
        await heard.stop();
      } finally {
        await listening.close();
      }
    });
  }
});

describe.runIf(databaseKinds().includes('postgres'))('the PostgreSQL listener', () => {
  let config: DatabaseConfig & { kind: 'postgres' };
  let drop: () => Promise<void>;
  let db: Database;
  beforeAll(async () => {
    const fresh = await freshDatabase('postgres');
    config = fresh.db as DatabaseConfig & { kind: 'postgres' };
    drop = fresh.drop;
    db = await openDatabase(createDatabase(config, { tables }));
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('refuses to listen when it cannot connect at all', async () => {
    const url = new URL(config.url);
    url.pathname = '/no_such_database';
    const listener = new PgListener({ connectionString: url.toString() });
    await expect(listener.listen('anything', () => {})).rejects.toThrow(/no_such_database/);
    await listener.close();
  });

  it('keeps trying, with a bounded back-off, while the database refuses connections, then resyncs', async () => {
    const errors: string[] = [];
    const listener = new PgListener({
      connectionString: config.url,
      minReconnectDelayMs: 10,
      maxReconnectDelayMs: 40,
      onError: (message) => errors.push(message),
    });
    const payloads: string[] = [];
    let reconnects = 0;
    await listener.listen('outage', (p) => void payloads.push(p), {
      onReconnect: () => void reconnects++,
    });
    const name = new URL(config.url).pathname.slice(1);
    // From another database: a database cannot refuse connections from inside itself.
    const admin: DatabaseConfig = { kind: 'postgres', url: inject('pgAdminUrl')! };
    await psql(admin, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    try {
      await psql(
        admin,
        `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'colloquy-listener'`,
        [name],
      );
      // At most 40 ms apart: several attempts fail in well under 10 s.
      while (errors.filter((e) => /reconnect failed/.test(e)).length < 3) await pause(20);
    } finally {
      await psql(admin, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    }
    while (reconnects === 0) await pause(20);
    expect(reconnects).toBe(1);
    expect(errors[0]).toMatch(/^pg listener: connection lost/);
    await db.write(() => db.notify('outage', 'back'));
    while (payloads.length === 0) await pause(20);
    expect(payloads).toEqual(['back']);
    await listener.close();
  });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
