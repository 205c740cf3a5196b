// Backing up and restoring a SQLite database: `pnpm colloquy backup|restore`.
// Written on node-sqlite3 directly rather than through createDatabase(): a
// backup must not migrate, seed or create the database it copies, and a
// restore must not open (and so hold) the database it replaces.
import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { SQLITE_BUSY_TIMEOUT_MS } from './data-source.js';

/** A backup or restore that cannot be done; `exitCode` says why to scripts. */
export class BackupError extends Error {
  override name = 'BackupError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit status of a restore refused because the database is open elsewhere (sysexits' EX_TEMPFAIL: try again later). */
export const IN_USE_EXIT_CODE = 75;

const SQLITE_HEADER = 'SQLite format 3\0';

function open(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}

function all<T>(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) =>
    db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))),
  );
}

function close(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

/** Flushes a file (or a directory's entries) to the disk. */
function fsync(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function isSqliteFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    return (
      fs.readSync(fd, header, 0, header.length, 0) === header.length &&
      header.toString('latin1') === SQLITE_HEADER
    );
  } finally {
    fs.closeSync(fd);
  }
}

/** The migrations recorded in `db`, or a BackupError saying it is no Colloquy database. */
async function appliedMigrations(db: sqlite3.Database, file: string): Promise<string[]> {
  const [table] = await all<{ name: string }>(
    db,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'migrations'",
  );
  if (!table) throw new BackupError(`${file} is not a Colloquy database (no migrations table)`);
  return (await all<{ name: string }>(db, 'SELECT name FROM migrations')).map((r) => r.name);
}

/**
 * Copies the database at `source` to `target` while it is in use, with
 * `VACUUM INTO`: one read transaction, so the copy is one consistent
 * snapshot of what was committed when it began, and in WAL mode it never
 * blocks the server's writer (nor restarts when it writes, as the backup
 * API's incremental steps do). The copy is compact and has no -wal file.
 * It is written beside `target` and moved there when complete; an existing
 * `target` is refused unless `force`.
 */
export async function backupSqlite(
  source: string,
  target: string,
  options: { force: boolean },
): Promise<{ bytes: number; migrations: number }> {
  if (!fs.existsSync(source)) throw new BackupError(`there is no SQLite database at ${source}`);
  if (path.resolve(target) === path.resolve(source)) {
    throw new BackupError('the backup cannot be the database itself');
  }
  if (!options.force && fs.existsSync(target)) {
    throw new BackupError(`${target} exists already; pass --force to replace it`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { force: true });
  let migrations: number;
  const db = await open(source, sqlite3.OPEN_READONLY);
  try {
    await all(db, `PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    migrations = (await appliedMigrations(db, source)).length;
    await all(db, 'VACUUM INTO ?', [partial]);
    fsync(partial);
    if (options.force) {
      fs.renameSync(partial, target);
    } else {
      // link() fails if the target appeared meanwhile: nothing is overwritten.
      try {
        fs.linkSync(partial, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new BackupError(`${target} exists already; pass --force to replace it`);
        }
        throw error;
      }
    }
    fsync(path.dirname(target));
  } finally {
    fs.rmSync(partial, { force: true });
    await close(db);
  }
  return { bytes: fs.statSync(target).size, migrations };
}

/**
 * Holds `file` so that nobody else has it open: in exclusive locking mode,
 * leaving WAL mode takes an exclusive lock on the file, which SQLite cannot
 * get while any other connection has the database open in WAL mode (as every
 * Colloquy server and command does, reading or idle), and then keeps. So
 * this fails while a server runs on it, in whichever process or container,
 * and a server that starts meanwhile waits rather than opening it. It also
 * checkpoints and removes the -wal file.
 */
async function holdExclusively(file: string): Promise<sqlite3.Database> {
  const inUse = () =>
    new BackupError(
      `the database at ${file} is in use (a running server or another colloquy command has it open); ` +
        'stop the server first, then restore',
      IN_USE_EXIT_CODE,
    );
  const db = await open(file, sqlite3.OPEN_READWRITE);
  try {
    await all(db, 'PRAGMA busy_timeout = 0');
    await all(db, 'PRAGMA locking_mode = EXCLUSIVE');
    const [mode] = await all<{ journal_mode: string }>(db, 'PRAGMA journal_mode = DELETE');
    if (mode?.journal_mode !== 'delete') throw inUse();
    // Reading takes the lock when the mode was DELETE already.
    await all(db, 'SELECT count(*) FROM sqlite_master');
    return db;
  } catch (error) {
    await close(db);
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw inUse();
    throw error;
  }
}

/**
 * Puts the backup at `backup` in place of the database at `target`: copies
 * it beside `target`, checks the copy (a SQLite file whose quick_check
 * passes, with a migrations table that names only migrations this version
 * knows), takes `target` for itself (refused while anyone has it open), and
 * renames the copy over it, removing the old -wal/-shm/-journal files first.
 * A missing migration is applied when a server next starts.
 */
export async function restoreSqlite(
  backup: string,
  target: string,
  knownMigrations: readonly string[],
): Promise<{ migrations: number }> {
  if (!fs.existsSync(backup)) throw new BackupError(`there is no file at ${backup}`);
  if (path.resolve(backup) === path.resolve(target)) {
    throw new BackupError('the backup is the database itself');
  }
  if (!isSqliteFile(backup)) throw new BackupError(`${backup} is not a SQLite database`);
  const wal = `${backup}-wal`;
  if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
    throw new BackupError(
      `${backup} has a -wal file beside it: it is a live database, not a backup; ` +
        'make one with `pnpm colloquy backup`',
    );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const copy = `${target}.restoring-${process.pid}`;
  fs.copyFileSync(backup, copy);
  try {
    const migrations = await checkBackup(copy, backup, knownMigrations);
    fsync(copy);
    const held = fs.existsSync(target) ? await holdExclusively(target) : null;
    try {
      for (const suffix of ['-wal', '-shm', '-journal'])
        fs.rmSync(`${target}${suffix}`, { force: true });
      fs.renameSync(copy, target);
      fsync(path.dirname(target));
    } finally {
      if (held) await close(held);
    }
    return { migrations };
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      fs.rmSync(`${copy}${suffix}`, { force: true });
  }
}

async function checkBackup(
  copy: string,
  backup: string,
  knownMigrations: readonly string[],
): Promise<number> {
  const db = await open(copy, sqlite3.OPEN_READWRITE);
  try {
    const [check] = await all<{ quick_check: string }>(db, 'PRAGMA quick_check');
    if (check?.quick_check !== 'ok') {
      throw new BackupError(`${backup} is damaged: ${check?.quick_check ?? 'no answer'}`);
    }
    const applied = await appliedMigrations(db, backup);
    if (applied.length === 0) throw new BackupError(`${backup} has no migrations applied`);
    const unknown = applied.filter((name) => !knownMigrations.includes(name));
    if (unknown.length > 0) {
      throw new BackupError(
        `${backup} was made by a newer version of Colloquy (migrations ${unknown.join(', ')}); ` +
          'restore it with that version',
      );
    }
    return applied.length;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${backup} cannot be read as a database: ${(error as Error).message}`);
  } finally {
    await close(db);
  }
}
