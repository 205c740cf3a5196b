import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions.js';
import {
  checkChannel,
  checkPayload,
  PgListener,
  Subscribers,
  type ListenOptions,
  type NotificationHandler,
  type Unlisten,
} from './pg-listener.js';

export type { ListenOptions, NotificationHandler, Unlisten };

/** The open unit of work a notification is sent in. */
export interface NotifyingUnit {
  em: EntityManager;
  afterCommit(fn: () => unknown): void;
}

/** What Database.listen and Database.notify are made of, per database kind. */
export interface Notifications {
  listen(channel: string, handler: NotificationHandler, options?: ListenOptions): Promise<Unlisten>;
  notify(unit: NotifyingUnit, channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * PostgreSQL: NOTIFY through the unit of work's own connection (so it is
 * sent at commit, never after a rollback), LISTEN on the process's one
 * listener connection; every process on the database hears it.
 */
class PgNotifications implements Notifications {
  constructor(private readonly listener: PgListener) {}

  listen(channel: string, handler: NotificationHandler, options?: ListenOptions) {
    return this.listener.listen(channel, handler, options);
  }

  async notify(unit: NotifyingUnit, channel: string, payload: string): Promise<void> {
    checkChannel(channel);
    checkPayload(payload);
    await unit.em.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}

/**
 * SQLite has no NOTIFY: notifications reach this process's listeners, after
 * the commit. Other processes on the same file (the CLI) are not told.
 */
class LocalNotifications implements Notifications {
  private readonly subscribers: Subscribers;

  constructor(onError: (message: string) => void) {
    this.subscribers = new Subscribers(onError);
  }

  async listen(channel: string, handler: NotificationHandler, options: ListenOptions = {}) {
    checkChannel(channel);
    const subscription = { handler, onReconnect: options.onReconnect };
    this.subscribers.add(channel, subscription);
    return async () => void this.subscribers.remove(channel, subscription);
  }

  async notify(unit: NotifyingUnit, channel: string, payload: string): Promise<void> {
    checkChannel(channel);
    // The same limit as PostgreSQL's, so what works on one database works on the other.
    checkPayload(payload);
    unit.afterCommit(() => this.subscribers.deliver(channel, payload));
  }

  async close(): Promise<void> {
    this.subscribers.clear();
  }
}

export function createNotifications(
  writer: DataSource,
  onError: (message: string) => void,
): Notifications {
  if (writer.options.type !== 'postgres') return new LocalNotifications(onError);
  const { url } = writer.options as PostgresConnectionOptions;
  // createDatabase() always connects by URL (DATABASE_URL).
  if (!url) throw new Error('PostgreSQL notifications need the connection URL');
  return new PgNotifications(new PgListener({ connectionString: url, onError }));
}
