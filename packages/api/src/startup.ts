import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { createDatabase, openDatabase } from './db/data-source.js';
import { tables } from './modules/index.js';
import { applyStoredPublicUrl } from './modules/site/site.service.js';
import { seedIfEmpty } from './seed/seed.js';

/** A start-up problem to report in one line (no stack trace): the database cannot be opened. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Opens the configured database, applies pending migrations and seeds an
 * empty one: what `pnpm start` and the operator CLI both do first.
 */
export async function openConfiguredDatabase(
  config: Config,
  log: { info: (line: string) => void; error: (line: string) => void },
): Promise<Database> {
  const where =
    config.database.kind === 'sqlite' ? config.database.file : new URL(config.database.url).host;
  const db = createDatabase(config.database, { tables, onError: log.error });
  try {
    await openDatabase(db);
  } catch (error) {
    throw new StartupError(
      `cannot open the ${config.database.kind} database at ${where}: ${(error as Error).message}`,
    );
  }
  if (await seedIfEmpty(db)) log.info('colloquy: seeded the database with the seed post');
  await applyStoredPublicUrl(config, db);
  return db;
}
