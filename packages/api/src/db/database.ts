import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  DataSource,
  EntityManager,
  ObjectLiteral,
  QueryRunner,
  Repository,
  SelectQueryBuilder,
} from 'typeorm';
import {
  ChangeHub,
  UnitChanges,
  writtenTable,
  type Change,
  type ChangeListener,
} from './changes.js';
import { LocalOnly, type ChangeTransport } from './change-transport.js';
import {
  createNotifications,
  type ListenOptions,
  type NotificationHandler,
  type Notifications,
  type Unlisten,
} from './notifications.js';

export type DbKind = 'sqlite' | 'postgres';

/** What a reader may do with a repository: find and count, never write. */
export type ReadRepository<T extends ObjectLiteral> = Pick<
  Repository<T>,
  | 'find'
  | 'findBy'
  | 'findOne'
  | 'findOneBy'
  | 'findOneOrFail'
  | 'findOneByOrFail'
  | 'findAndCount'
  | 'count'
  | 'countBy'
  | 'exists'
  | 'existsBy'
  | 'createQueryBuilder'
  | 'metadata'
>;

/** Reads outside any transaction, on a connection that cannot write. */
export interface Reader {
  getRepository<T extends ObjectLiteral>(entity: string): ReadRepository<T>;
  createQueryBuilder(): SelectQueryBuilder<ObjectLiteral>;
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** Work done inside the unit of work; `em` is the transaction's manager. */
export type Work<T> = (em: EntityManager) => Promise<T>;

/**
 * The database as the app sees it: reads on one side, and one unit of work
 * through which every write goes.
 *
 * - `write(work)` runs `work` in a transaction and commits it, or rolls it
 *   back when `work` throws. Called while a unit of work is already open in
 *   the same async context, it joins that one (no nesting, no deadlock).
 * - On SQLite the writes go through a connection of their own, one
 *   transaction at a time (`BEGIN IMMEDIATE`, so the write lock is taken up
 *   front and another process holding it is waited for, up to the busy
 *   timeout, rather than failing at the first write after a read); units
 *   that wait meanwhile share the next transaction, each behind a savepoint
 *   (runSqliteGroup). Reads go
 *   through a second, read-only connection: WAL lets them run beside the
 *   writer, and they never see a write that has not been committed.
 * - On PostgreSQL each unit of work takes a pooled connection; reads use a
 *   pool whose sessions are read-only by default.
 *
 * A write attempted on the read side fails (read-only connection), so a
 * write that bypasses the unit of work cannot go unnoticed; lint keeps such
 * code from being written in the first place.
 */
export interface Database {
  readonly kind: DbKind;
  readonly read: Reader;
  write<T>(work: Work<T>): Promise<T>;
  /**
   * Runs `fn` once the open unit of work has committed (never after a
   * rollback), before `write()` resolves; outside a unit of work, at once.
   * Failures are reported to `onError`, never to the writer: the write has
   * happened.
   */
  afterCommit(fn: () => unknown): void;
  /** True inside an open unit of work. */
  readonly inTransaction: boolean;
  /**
   * Names what the open unit of work changes that readers can see (tags from
   * changes.ts), announced when it commits (changes.ts). Called with no tags,
   * it says the unit changes nothing readers see. A unit that writes rows and
   * names nothing is announced as a change of everything.
   */
  changed(...tags: string[]): void;
  /** Calls `listener` with every committed change: this process's, then other processes'. */
  onChange(listener: ChangeListener): () => void;
  /** False while changes made by other processes may go unheard: caches must not serve then. */
  readonly changesHealthy: boolean;
  /** Starts hearing other processes' changes (openDatabase calls it once migrated). */
  startChanges(): Promise<void>;

  // Notifications between processes (db/notifications.ts, db/pg-listener.ts).
  /**
   * Calls `handler(payload)` for each notification on `channel` (a lower-case
   * identifier) committed from now on: by any process on PostgreSQL (LISTEN,
   * on one connection per process), by this process on SQLite. Resolves once
   * listening, to a function that stops. `onReconnect` runs when a lost
   * PostgreSQL connection is back: notifications sent meanwhile are lost, so
   * resync there. Never called on SQLite.
   */
  listen(channel: string, handler: NotificationHandler, options?: ListenOptions): Promise<Unlisten>;
  /**
   * Sends a notification as part of the open unit of work (throws outside
   * one): delivered once it commits, never after a rollback. PostgreSQL:
   * `SELECT pg_notify(channel, payload)`; SQLite: in-process, after commit.
   * Payloads are under 8000 bytes.
   */
  notify(channel: string, payload?: string): Promise<void>;
  /** SQL statements run so far, in all and by connection role (for /metrics). */
  readonly statementCounts: StatementCounts;
  /** The underlying connections: for migrations, the seed and tests only. */
  readonly writer: DataSource;
  readonly reader: DataSource;
  close(): Promise<void>;
}

/** How many SQL statements a database ran (data-source.ts's QueryCounter counts them). */
export interface StatementCounts {
  readonly count: number;
  readonly reader: number;
  readonly writer: number;
}

interface OpenUnit {
  em: EntityManager;
  open: boolean;
  afterCommit: (() => unknown)[];
  changes: UnitChanges;
}

/** A SQLite unit of work waiting for the writer. */
interface QueuedUnit {
  work: Work<unknown>;
  resolve: (committed: Committed<unknown>) => void;
  reject: (error: unknown) => void;
}

/** A SQLite group commit takes at most this many units of work… */
const GROUP_MAX_UNITS = 16;
/** …and takes in no more once it has run this long (ms), so that its first unit's answer waits little. */
const GROUP_MAX_MS = 10;
const GROUP_SAVEPOINT = 'colloquy_unit';

interface Committed<T> {
  result: T;
  afterCommit: (() => unknown)[];
  change: Change | null;
  ticket: number;
}

/**
 * Sees every statement (through the TypeORM logger) and tells the unit of
 * work that ran it when it writes: the safety net of db.changed().
 */
export class StatementObserver {
  private readonly units = new WeakMap<object, UnitChanges>();
  private readonly unseen: ReadonlySet<string>;

  /** `unseen`: tables no reader's response shows; writing them is no change to name. */
  constructor(unseen: readonly string[] = []) {
    this.unseen = new Set(unseen.map((t) => t.toLowerCase()));
  }

  attach(runner: object | undefined, changes: UnitChanges): void {
    if (runner) this.units.set(runner, changes);
  }

  observe(query: string, runner: object | undefined): void {
    if (!runner) return;
    const changes = this.units.get(runner);
    if (!changes || changes.wrote) return;
    const table = writtenTable(query);
    if (table !== null && !this.unseen.has(table)) changes.wrote = true;
  }
}

/** A SQLite query runner whose transaction state we set ourselves (BEGIN IMMEDIATE). */
type SqliteRunner = Omit<QueryRunner, 'isTransactionActive'> & {
  isTransactionActive: boolean;
  transactionDepth: number;
};

export class TypeOrmDatabase implements Database {
  readonly kind: DbKind;
  readonly read: Reader;
  private readonly ambient = new AsyncLocalStorage<OpenUnit>();
  /** SQLite: the units of work waiting for the one write connection, in order. */
  private queue: QueuedUnit[] = [];
  /** SQLite: runs the queue's transactions while there are units waiting. */
  private draining: Promise<void> | null = null;
  private readonly hub = new ChangeHub();
  private changesStarted = false;
  private readonly notifications: Notifications;

  constructor(
    readonly writer: DataSource,
    readonly reader: DataSource,
    private readonly onError: (message: string) => void = () => {},
    private readonly transport: ChangeTransport = new LocalOnly(),
    private readonly statements: StatementObserver = new StatementObserver(),
    readonly statementCounts: StatementCounts = { count: 0, reader: 0, writer: 0 },
  ) {
    this.kind = writer.options.type === 'postgres' ? 'postgres' : 'sqlite';
    this.read = reader.manager as unknown as Reader;
    this.notifications = createNotifications(writer, onError);
  }

  get inTransaction(): boolean {
    return this.ambient.getStore()?.open === true;
  }

  changed(...list: string[]): void {
    const current = this.ambient.getStore();
    if (!current?.open) throw new Error('db.changed() is called inside a unit of work');
    current.changes.add(list);
  }

  onChange(listener: ChangeListener): () => void {
    return this.hub.subscribe(listener);
  }

  get changesHealthy(): boolean {
    return this.transport.healthy;
  }

  async startChanges(): Promise<void> {
    if (this.changesStarted) return;
    this.changesStarted = true;
    await this.transport.start((change) => this.hub.emit(change, 'remote'));
  }

  write<T>(work: Work<T>): Promise<T> {
    const current = this.ambient.getStore();
    // A unit of work that has ended can still be the async context of work it
    // started (a promise left running); that work gets a unit of its own.
    if (current?.open) return work(current.em);
    const committed =
      this.kind === 'postgres'
        ? this.runPostgres(work)
        : new Promise<Committed<T>>((resolve, reject) => {
            this.queue.push({ work, resolve, reject } as QueuedUnit);
            this.draining ??= this.drain();
          });
    // The callbacks run after the SQLite queue has moved on, so writes they make cannot wait on themselves.
    return committed.then(async ({ result, afterCommit, change, ticket }) => {
      if (change) {
        this.hub.emit(change, 'local');
        await this.transport.settled(ticket);
      }
      await this.runCallbacks(afterCommit);
      return result;
    });
  }

  afterCommit(fn: () => unknown): void {
    const current = this.ambient.getStore();
    if (current?.open) current.afterCommit.push(fn);
    else void this.runCallbacks([fn]);
  }

  listen(
    channel: string,
    handler: NotificationHandler,
    options?: ListenOptions,
  ): Promise<Unlisten> {
    return this.notifications.listen(channel, handler, options);
  }

  async notify(channel: string, payload = ''): Promise<void> {
    const unit = this.ambient.getStore();
    if (!unit?.open) throw new Error('db.notify() is sent inside a unit of work (db.write)');
    await this.notifications.notify(
      { em: unit.em, afterCommit: (fn) => unit.afterCommit.push(fn) },
      channel,
      payload,
    );
  }

  private async runPostgres<T>(work: Work<T>): Promise<Committed<T>> {
    let unit: OpenUnit | undefined;
    let change: Change | null = null;
    let ticket = 0;
    const result = await this.writer.transaction(async (em) => {
      const open: OpenUnit = { em, open: true, afterCommit: [], changes: new UnitChanges() };
      unit = open;
      this.statements.attach(em.queryRunner, open.changes);
      try {
        const value = await this.ambient.run(open, () => work(em));
        change = open.changes.result();
        // Delivered by PostgreSQL when this transaction commits, and only then.
        if (change) ticket = await this.transport.publish(em, change);
        return value;
      } finally {
        open.open = false;
      }
    });
    return { result, afterCommit: unit?.afterCommit ?? [], change, ticket };
  }

  /** SQLite: runs transactions while units of work are waiting (one drain at a time). */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.runSqliteGroup();
    } finally {
      this.draining = null;
    }
  }

  /**
   * One SQLite transaction for the first waiting unit of work and for those
   * that came while it ran (group commit): `BEGIN IMMEDIATE`, the first
   * unit, then each next one behind a `SAVEPOINT`, and one `COMMIT` that
   * acknowledges them all. A unit that fails is rolled back to its
   * savepoint (to the BEGIN when it is the first) and hears its error; the
   * others are not touched. Nothing is acknowledged before the COMMIT, and
   * if the COMMIT (or a rollback) fails, no unit of the group is.
   *
   * Why: the writer is one unit at a time, and every statement is a trip
   * to the thread pool and back through a busy event loop; under load,
   * BEGIN and COMMIT were two of a held comment's three trips. Alone, a
   * unit runs as before: BEGIN IMMEDIATE, its statements, COMMIT.
   */
  private async runSqliteGroup(): Promise<void> {
    // TypeORM's SQLite driver has one query runner per DataSource; this one is ours alone.
    const runner = this.writer.createQueryRunner() as unknown as SqliteRunner;
    const first = this.queue.shift()!;
    try {
      await runner.query('BEGIN IMMEDIATE');
    } catch (error) {
      first.reject(error);
      return;
    }
    // What startTransaction() would have set: save() then joins this transaction.
    runner.isTransactionActive = true;
    runner.transactionDepth = 1;
    const started = performance.now();
    const done: { unit: QueuedUnit; committed: Committed<unknown> }[] = [];
    let current: QueuedUnit | undefined = first;
    let ran = 0;
    try {
      while (current) {
        const alone = done.length === 0;
        if (!alone) await runner.query(`SAVEPOINT ${GROUP_SAVEPOINT}`);
        const outcome = await this.runSqliteUnit(runner, current.work);
        ran++;
        if ('error' in outcome) {
          const failed = current;
          current = undefined;
          try {
            // Nothing of the others is undone: the transaction is as before this unit.
            await runner.query(alone ? 'ROLLBACK' : `ROLLBACK TO ${GROUP_SAVEPOINT}`);
          } finally {
            failed.reject(outcome.error);
          }
          if (alone) return;
        } else done.push({ unit: current, committed: outcome.committed });
        current =
          ran < GROUP_MAX_UNITS && performance.now() - started < GROUP_MAX_MS
            ? this.queue.shift()
            : undefined;
      }
      await runner.query('COMMIT');
    } catch (error) {
      try {
        await runner.query('ROLLBACK');
      } catch {
        // SQLite may have rolled back already (e.g. after SQLITE_FULL); nothing is left open.
      }
      current?.reject(error);
      for (const { unit } of done) unit.reject(error);
      return;
    } finally {
      runner.isTransactionActive = false;
      runner.transactionDepth = 0;
    }
    for (const { unit, committed } of done) unit.resolve(committed);
  }

  /** One unit of work of a SQLite group, its change announced in the transaction. */
  private async runSqliteUnit(
    runner: SqliteRunner,
    work: Work<unknown>,
  ): Promise<{ committed: Committed<unknown> } | { error: unknown }> {
    const unit: OpenUnit = {
      em: runner.manager,
      open: true,
      afterCommit: [],
      changes: new UnitChanges(),
    };
    this.statements.attach(runner, unit.changes);
    try {
      const result = await this.ambient.run(unit, () => work(runner.manager));
      const change = unit.changes.result();
      // Written in the same transaction: the log row exists exactly when the change does.
      const ticket = change ? await this.transport.publish(runner.manager, change) : 0;
      return { committed: { result, afterCommit: unit.afterCommit, change, ticket } };
    } catch (error) {
      return { error };
    } finally {
      unit.open = false;
    }
  }

  private async runCallbacks(callbacks: readonly (() => unknown)[]): Promise<void> {
    for (const fn of callbacks) {
      try {
        // Outside the finished unit's context, so that writes they make open their own.
        await this.ambient.exit(async () => fn());
      } catch (error) {
        this.onError(
          `after-commit callback failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  async close(): Promise<void> {
    while (this.draining) await this.draining;
    await this.transport.stop();
    await this.notifications.close();
    if (this.reader !== this.writer && this.reader.isInitialized) await this.reader.destroy();
    if (this.writer.isInitialized) await this.writer.destroy();
  }
}

/**
 * Inserts one row inside a unit of work and returns it with its new id: one
 * INSERT, where save() would also read the row back.
 */
export async function insertOne<T extends { id: number }>(
  em: EntityManager,
  entity: string,
  values: Omit<T, 'id'>,
): Promise<T> {
  const result = await em.getRepository<T>(entity).insert(values as never);
  const id = (result.identifiers[0] as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'number') throw new Error(`INSERT into ${entity} returned no id`);
  return { ...values, id } as T;
}

/**
 * Changes only the named columns of one row inside a unit of work and returns
 * the row as it now is. Unlike save({ ...row, … }) of a row read earlier, it
 * cannot write back stale values of the other columns over a change that
 * another request committed meanwhile.
 */
export async function updateOne<T extends { id: number }>(
  em: EntityManager,
  entity: string,
  id: number,
  changes: Partial<Omit<T, 'id'>>,
): Promise<T> {
  const repo = em.getRepository<T>(entity);
  await repo.update(id, changes as never);
  return repo.findOneByOrFail({ id } as never);
}
