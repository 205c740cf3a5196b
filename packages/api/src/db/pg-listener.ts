import pg from 'pg';

/** Called with a notification's payload ('' when it was sent without one). */
export type NotificationHandler = (payload: string) => void | Promise<void>;

export interface ListenOptions {
  /**
   * Called after a lost connection has been made again and the channel is
   * listened to once more. Notifications sent while it was down are lost, so
   * this is where a consumer resyncs (re-reads what it would have been told).
   */
  onReconnect?: () => void | Promise<void>;
}

/** Stops one listen(); calling it again does nothing. */
export type Unlisten = () => Promise<void>;

/**
 * Channel names are plain lower-case identifiers, so that `LISTEN name` and
 * `pg_notify('name', …)` mean the same channel (LISTEN folds case, pg_notify
 * does not) and nothing needs quoting.
 */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** PostgreSQL refuses payloads of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;

export function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) {
    throw new Error(
      `notification channel "${channel}" must be a lower-case identifier (a-z, 0-9, _; at most 63)`,
    );
  }
}

export function checkPayload(payload: string): void {
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
    throw new Error(`notification payload is over ${MAX_PAYLOAD_BYTES} bytes`);
  }
}

interface Subscription {
  handler: NotificationHandler;
  onReconnect?: () => void | Promise<void>;
}

/**
 * Handlers by channel, as both the PostgreSQL listener and the in-process
 * (SQLite) notifications keep them. A handler's failure is reported, never
 * passed on to the sender or to the other handlers.
 */
export class Subscribers {
  private readonly byChannel = new Map<string, Set<Subscription>>();

  constructor(private readonly onError: (message: string) => void) {}

  /** Adds one; true when it is the channel's first. */
  add(channel: string, subscription: Subscription): boolean {
    const set = this.byChannel.get(channel);
    if (set) {
      set.add(subscription);
      return false;
    }
    this.byChannel.set(channel, new Set([subscription]));
    return true;
  }

  /** Removes one; true when that left the channel without any. */
  remove(channel: string, subscription: Subscription): boolean {
    const set = this.byChannel.get(channel);
    if (!set?.delete(subscription)) return false;
    if (set.size > 0) return false;
    this.byChannel.delete(channel);
    return true;
  }

  channels(): IterableIterator<string> {
    return this.byChannel.keys();
  }

  get size(): number {
    return this.byChannel.size;
  }

  clear(): void {
    this.byChannel.clear();
  }

  deliver(channel: string, payload: string): void {
    for (const { handler } of [...(this.byChannel.get(channel) ?? [])]) {
      this.call(() => handler(payload), `a handler of "${channel}"`);
    }
  }

  reconnected(): void {
    for (const [channel, set] of this.byChannel) {
      for (const { onReconnect } of [...set]) {
        if (onReconnect) this.call(onReconnect, `the reconnect hook of "${channel}"`);
      }
    }
  }

  private call(fn: () => void | Promise<void>, what: string): void {
    const report = (error: unknown) =>
      this.onError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    try {
      void Promise.resolve(fn()).catch(report);
    } catch (error) {
      report(error);
    }
  }
}

export interface PgListenerOptions {
  /** The database to listen on (the app's DATABASE_URL). */
  connectionString: string;
  /** Its pg_stat_activity.application_name, to tell it apart from the pools' connections. */
  applicationName?: string;
  /** The first wait before reconnecting; it doubles after each failed attempt… */
  minReconnectDelayMs?: number;
  /** …up to this. */
  maxReconnectDelayMs?: number;
  /** Lost connections, failed reconnects and failing handlers; never thrown. */
  onError?: (message: string) => void;
}

/**
 * PostgreSQL LISTEN for a whole process, on one connection of its own (a
 * `pg.Client`: a pooled connection is handed back and forth, and LISTEN is a
 * session's). Any number of consumers share it, each on its channel:
 *
 *     const stop = await listener.listen('cache_invalidate', (payload) => …, {
 *       onReconnect: () => cache.clear(), // what was sent meanwhile is lost
 *     });
 *     …
 *     await stop();
 *
 * The connection opens at the first listen() and stays open until close().
 * When it is lost (a restart, a failover, pg_terminate_backend) the listener
 * reconnects with a back-off that doubles from minReconnectDelayMs up to
 * maxReconnectDelayMs (with jitter, so that many processes do not come back
 * in step), listens to every channel again and calls each onReconnect hook.
 * TCP keep-alive makes a silently dropped connection show up as lost too.
 *
 * Sending is not here: a notification is sent in a unit of work
 * (Database.notify, `SELECT pg_notify(…)`), so it leaves at commit, or never.
 */
export class PgListener {
  private readonly subscribers: Subscribers;
  private readonly report: (message: string) => void;
  /** The connection, once it listens to every channel. */
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  /** A connection was lost and is being made again. */
  private down = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failedAttempts = 0;
  private closed = false;

  constructor(private readonly options: PgListenerOptions) {
    this.report = (message) => options.onError?.(`pg listener: ${message}`);
    this.subscribers = new Subscribers(this.report);
  }

  /**
   * Calls `handler(payload)` for each notification on `channel` from now on.
   * Resolves once PostgreSQL has the LISTEN (so a notification committed after
   * that is heard); rejects if the first connection cannot be made. While a
   * lost connection is being made again it resolves at once, and
   * `onReconnect` tells when the channel is heard again.
   */
  async listen(
    channel: string,
    handler: NotificationHandler,
    options: ListenOptions = {},
  ): Promise<Unlisten> {
    checkChannel(channel);
    if (this.closed) throw new Error('pg listener: closed');
    const subscription: Subscription = { handler, onReconnect: options.onReconnect };
    const first = this.subscribers.add(channel, subscription);
    try {
      if (this.client) {
        if (first) await this.client.query(`LISTEN ${channel}`);
      } else if (!this.down) {
        // The first connection: it listens to every channel subscribed by then.
        await this.connect();
      }
    } catch (error) {
      this.subscribers.remove(channel, subscription);
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      const client = this.client;
      if (this.subscribers.remove(channel, subscription) && client) {
        // Sent before any later LISTEN of the same channel: one connection runs queries in order.
        await client.query(`UNLISTEN ${channel}`).catch((error: unknown) => {
          if (client === this.client) this.report(`UNLISTEN ${channel} failed: ${describe(error)}`);
        });
      }
    };
  }

  /** Ends the connection; nothing is heard after this. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.subscribers.clear();
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? 'colloquy-listener',
      keepAlive: true,
    });
    client.on('notification', (message) => {
      if (client === this.client) this.subscribers.deliver(message.channel, message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      // Channels added while this runs are in the map before the loop looks for the next one.
      for (const channel of this.subscribers.channels()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client) return; // not ours yet (open() handles it) or no longer
    this.client = null;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.report(`connection lost${error ? ` (${error.message})` : ''}; reconnecting`);
    this.down = true;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const min = this.options.minReconnectDelayMs ?? 100;
    const max = this.options.maxReconnectDelayMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** this.failedAttempts);
    this.retryTimer = setTimeout(() => void this.reconnect(), delay * (0.5 + Math.random() / 2));
    // A process on its way out is not kept alive by a listener waiting to reconnect.
    this.retryTimer.unref();
  }

  private async reconnect(): Promise<void> {
    this.retryTimer = null;
    if (this.closed) return;
    try {
      await this.connect();
    } catch (error) {
      this.failedAttempts++;
      this.report(`reconnect failed (${describe(error)}); trying again`);
      this.scheduleReconnect();
      return;
    }
    if (this.closed) return;
    this.failedAttempts = 0;
    this.down = false;
    this.subscribers.reconnected();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
