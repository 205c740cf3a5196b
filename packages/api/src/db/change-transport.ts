import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import type { EntityManager } from 'typeorm';
import { decodeChange, encodeChange, type Change } from './changes.js';

/**
 * How committed changes reach the other processes on the same database.
 * `publish` runs inside the unit of work, just before it commits, so that a
 * change is announced exactly when the write becomes visible, and never for a
 * unit that rolls back. `settled` resolves once the other processes can have
 * heard of it (see each transport).
 */
export interface ChangeTransport {
  /** This process's name in announcements, to ignore its own. */
  readonly origin: string;
  start(deliver: (change: Change) => void): Promise<void>;
  publish(em: EntityManager, change: Change): Promise<number>;
  settled(ticket: number): Promise<void>;
  /** False while changes from other processes may be missed (a lost connection): caches must not serve. */
  readonly healthy: boolean;
  stop(): Promise<void>;
}

const newOrigin = () => `${process.pid}-${randomBytes(4).toString('hex')}`;

/** One process alone on its database (an in-memory SQLite database): nothing to tell anyone. */
export class LocalOnly implements ChangeTransport {
  readonly origin = newOrigin();
  readonly healthy = true;
  async start(): Promise<void> {}
  async publish(): Promise<number> {
    return 0;
  }
  async settled(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** How long change_log rows are kept: far longer than any process takes to read them. */
const LOG_KEEP_MS = 10 * 60_000;
/** A safety poll beside the file watch (which can miss events on some file systems). */
const POLL_MS = 1_000;

/**
 * SQLite: each change is a row of `change_log`, written in the unit of work.
 * The other processes learn of it by watching the database's WAL file (and
 * polling once a second as a fallback): on any sign of change they ask their
 * own read-only connection `PRAGMA data_version`, which moves only when
 * another connection committed, and read the new rows. That connection is
 * outside TypeORM: its statements are not the requests' and are not counted
 * with them, and it never waits behind the app's queries.
 */
export class SqliteChangeLog implements ChangeTransport {
  readonly origin = newOrigin();
  readonly healthy = true;
  private conn: sqlite3.Database | null = null;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastId = 0;
  private dataVersion = -1;
  private checking: Promise<void> | null = null;
  private again = false;
  private published = 0;
  private deliver: (change: Change) => void = () => {};

  constructor(private readonly file: string) {}

  async start(deliver: (change: Change) => void): Promise<void> {
    this.deliver = deliver;
    this.conn = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(this.file, sqlite3.OPEN_READONLY, (error) =>
        error ? reject(error) : resolve(db),
      );
    });
    this.conn.configure('busyTimeout', 5_000);
    this.dataVersion = await this.version();
    const row = await this.get<{ id: number | null }>('SELECT MAX(id) AS id FROM change_log');
    this.lastId = row?.id ?? 0;
    try {
      const base = path.basename(this.file);
      this.watcher = fs.watch(path.dirname(this.file), (_event, name) => {
        if (name === `${base}-wal` || name === base) this.check();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No file watching here: the poll alone notices changes.
    }
    this.timer = setInterval(() => this.check(), POLL_MS);
    this.timer.unref();
  }

  async publish(em: EntityManager, change: Change): Promise<number> {
    const now = new Date();
    await em.query(`INSERT INTO change_log (origin, tags, created_at) VALUES (?, ?, ?)`, [
      this.origin,
      encodeChange(change),
      now.toISOString(),
    ]);
    if (++this.published % 500 === 0) {
      await em.query(`DELETE FROM change_log WHERE created_at < ?`, [
        new Date(now.getTime() - LOG_KEEP_MS).toISOString(),
      ]);
    }
    return 0;
  }

  /**
   * The other processes read the row once their watch fires, a few
   * milliseconds after the commit; a reader of another process may be served
   * from its cache in that window (or up to a second where the file cannot be
   * watched). One process per SQLite file is the usual case.
   */
  async settled(): Promise<void> {}

  private check(): void {
    if (!this.conn) return;
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = this.readNew()
      .catch(() => {
        // The file is busy or going away; the next event or poll tries again.
      })
      .finally(() => {
        this.checking = null;
        if (this.again) {
          this.again = false;
          this.check();
        }
      });
  }

  private async readNew(): Promise<void> {
    const version = await this.version();
    if (version === this.dataVersion) return;
    this.dataVersion = version;
    const rows = await this.all<{ id: number; origin: string; tags: string }>(
      'SELECT id, origin, tags FROM change_log WHERE id > ? ORDER BY id',
      [this.lastId],
    );
    for (const row of rows) {
      this.lastId = row.id;
      if (row.origin !== this.origin) this.deliver(decodeChange(row.tags));
    }
  }

  private async version(): Promise<number> {
    const row = await this.get<{ data_version: number }>('PRAGMA data_version');
    return row?.data_version ?? 0;
  }

  private get<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) =>
      this.conn!.get(sql, params, (error, row) => (error ? reject(error) : resolve(row as T))),
    );
  }

  private all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return new Promise((resolve, reject) =>
      this.conn!.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))),
    );
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    const conn = this.conn;
    this.conn = null;
    if (conn) await new Promise<void>((resolve) => conn.close(() => resolve()));
  }
}

export const CHANGES_CHANNEL = 'colloquy_changes';
/** NOTIFY payloads are limited to 8000 bytes; a change with more tags is sent as "everything". */
const MAX_PAYLOAD = 7_900;
/** How long a writer waits for its own announcement to come back before answering anyway. */
const ECHO_TIMEOUT_MS = 5_000;
const RECONNECT_MAX_MS = 5_000;

/**
 * PostgreSQL: a change is a NOTIFY sent inside the unit of work, which the
 * server delivers at commit (and never after a rollback) to every process
 * LISTENing, this one included. The writer waits until its own notification
 * has come back through its listening connection before the write is
 * answered: by then PostgreSQL has signalled every other listener, which
 * hears it at once; the 3-process test reads through the others right after.
 *
 * A lost listening connection loses notifications: until it is back the
 * transport is not healthy (caches serve nothing), and once back every
 * process forgets everything it held.
 */
export class PgChangeChannel implements ChangeTransport {
  readonly origin = newOrigin();
  private client: pg.Client | null = null;
  private connected = false;
  private stopped = false;
  private seq = 0;
  private heard = 0;
  private readonly waiting = new Map<number, () => void>();
  private deliver: (change: Change) => void = () => {};
  private retryMs = 100;

  constructor(private readonly url: string) {}

  get healthy(): boolean {
    return this.connected;
  }

  async start(deliver: (change: Change) => void): Promise<void> {
    this.deliver = deliver;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'colloquy-changes',
    });
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) this.receive(message.payload ?? '');
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.client = client;
    this.connected = true;
    this.retryMs = 100;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.connected = false;
    client.removeAllListeners('notification');
    void client.end().catch(() => {});
    // Writers waiting for an echo that will not come answer now.
    for (const resolve of this.waiting.values()) resolve();
    this.waiting.clear();
    if (!this.stopped) this.reconnect();
  }

  private reconnect(): void {
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    setTimeout(() => {
      if (this.stopped) return;
      this.connect()
        .then(() => this.deliver('all'))
        .catch(() => this.reconnect());
    }, delay).unref();
  }

  private receive(payload: string): void {
    const first = payload.indexOf('|');
    const second = payload.indexOf('|', first + 1);
    if (first < 0 || second < 0) return;
    const origin = payload.slice(0, first);
    if (origin === this.origin) {
      const seq = Number(payload.slice(first + 1, second));
      this.heard = Math.max(this.heard, seq);
      for (const [ticket, resolve] of this.waiting) {
        if (ticket <= this.heard) {
          this.waiting.delete(ticket);
          resolve();
        }
      }
      return;
    }
    this.deliver(decodeChange(payload.slice(second + 1)));
  }

  async publish(em: EntityManager, change: Change): Promise<number> {
    const ticket = ++this.seq;
    let body = encodeChange(change);
    const head = `${this.origin}|${ticket}|`;
    if (Buffer.byteLength(head + body) > MAX_PAYLOAD) body = '*';
    await em.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, head + body]);
    return ticket;
  }

  settled(ticket: number): Promise<void> {
    if (!this.connected || ticket <= this.heard) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(ticket);
        resolve();
      }, ECHO_TIMEOUT_MS);
      timer.unref();
      this.waiting.set(ticket, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    this.connected = false;
    for (const resolve of this.waiting.values()) resolve();
    this.waiting.clear();
    if (client) await client.end().catch(() => {});
  }
}
