// The operator CLI: `pnpm colloquy <command>` from the repository root.
// Accounts are made here (the first admin included), with the database's own
// authority; passwords come from a hidden prompt or stdin, never from argv.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from './db/database.js';
import { BackupError, backupSqlite, restoreSqlite } from './db/backup.js';
import { coreMigrations } from './db/data-source.js';
import { tables } from './modules/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { UserError } from './lib/user-errors.js';
import {
  exportJson,
  type AuditLog,
  type PersonalDataCount,
} from './modules/privacy/privacy.service.js';
import { createServices, type Services } from './services.js';
import { openConfiguredDatabase, StartupError } from './startup.js';
import { StreamProgress } from './modules/wordpress/progress.js';
import { WxrError } from './modules/wordpress/wxr-reader.js';
import { existsSync } from 'node:fs';

const USAGE = `Usage: pnpm colloquy <command> [options]

Commands:
  user:create --email <email> --name <display name> --role <admin|editor|author>
  user:list
  user:set-role --email <email> --role <admin|editor|author>
  user:reset-password --email <email>
  token:create --email <email> --name <token name> --scopes <read_drafts,write_content,moderate>
               [--expires-days <n>]
  privacy:export <email> [--out <file>] [--force]
                            everything stored for the address, as JSON (stdout, or a new file)
  privacy:erase <email> --mode <remove|anonymise>
                            erase it: comments deleted (others' replies kept) or kept as Anonymous
  backup <file> [--force]   copy the SQLite database, while the site runs, to <file>
  restore <file>            put a backup in place of the SQLite database (stop the server first)
  import:wxr <file> [--dry-run]   import a WordPress export (WXR); --dry-run: report, write nothing
  export:wxr <file> [--force]     write the site as a WordPress export (WXR 1.2) to <file>

Passwords are read from a hidden prompt, or from the first line of stdin when it is not a terminal.
The database is DATABASE_URL's (default sqlite:./data/colloquy.db), as for \`pnpm start\`.`;

/** The commands that take arguments besides options, and what they are. */
const POSITIONALS: Record<string, string[]> = {
  'privacy:export': ['<email>'],
  'privacy:erase': ['<email>'],
};

/** A problem to report in one line, exit code 1. */
class CliError extends Error {}

const POSTGRES_BACKUPS =
  'PostgreSQL databases are backed up with pg_dump and restored with pg_restore ' +
  '(see docs/operations.md, "Backups")';

/** backup and restore: file commands that must not open (so create, migrate or seed) the database. */
const fileCommands: Record<
  string,
  (config: Config, file: string, force: boolean) => Promise<void>
> = {
  async backup(config, file, force) {
    if (config.database.kind !== 'sqlite') throw new CliError(`backup: ${POSTGRES_BACKUPS}`);
    const { bytes, migrations } = await backupSqlite(config.database.file, file, { force });
    console.log(
      `colloquy: backed up ${config.database.file} to ${file} (${bytes} bytes, ${migrations} migrations)`,
    );
  },
  async restore(config, file, force) {
    if (config.database.kind !== 'sqlite') throw new CliError(`restore: ${POSTGRES_BACKUPS}`);
    if (force) throw new CliError('restore takes no --force: it always replaces the database');
    const known = [...coreMigrations, ...tables.migrations].map((M) => {
      const migration = new M();
      return migration.name ?? migration.constructor.name;
    });
    const { migrations } = await restoreSqlite(file, config.database.file, known);
    console.log(
      `colloquy: restored ${file} to ${config.database.file} (${migrations} migrations; ` +
        'any newer ones are applied when the server starts)',
    );
  },
};

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  scopes: { type: 'string' },
  'expires-days': { type: 'string' },
  out: { type: 'string' },
  mode: { type: 'string' },
  force: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

function required(options: Options, name: 'email' | 'name' | 'role' | 'scopes'): string {
  const value = options[name];
  if (value === undefined || value.trim() === '') throw new CliError(`--${name} is required`);
  return value;
}

function check(errors: UserError[]): void {
  if (errors.length > 0) throw new CliError(errors.map((e) => e.message).join(' '));
}

/** The first line of a non-terminal stdin (a pipe or a file). */
async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt shows, or what is typed right after it would be echoed.
  stdin.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new CliError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await promptHidden('Password: ');
    if ((await promptHidden('Repeat the password: ')) !== password) {
      throw new CliError('the two passwords differ');
    }
  } else {
    password = await readStdinLine();
  }
  if (password === '')
    throw new CliError('no password given (type it at the prompt or pipe it on stdin)');
  return password;
}

async function findUserId(services: Services, email: string): Promise<number> {
  const user = await services.users.findByEmail(email);
  if (!user) throw new CliError(`there is no user with the email ${email.trim().toLowerCase()}`);
  return user.id;
}

/** Commands on a file that work on the database: the WordPress import and export. */
const dataFileCommands: Record<
  string,
  (services: Services, file: string, shown: string, options: Options) => Promise<void>
> = {
  async 'import:wxr'(services, file, shown, options) {
    if (options.force) throw new CliError('import:wxr takes no --force');
    const summary = await services.wordpressImporter.import(file, {
      dryRun: options['dry-run'] === true,
      label: shown,
      progress: new StreamProgress(process.stderr),
    });
    for (const line of summary.lines(shown)) console.log(line);
  },
  async 'export:wxr'(services, file, shown, options) {
    if (options['dry-run']) throw new CliError('export:wxr takes no --dry-run');
    if (!options.force && existsSync(file))
      throw new CliError(`${shown} exists already (add --force to replace it)`);
    const { posts, comments, linkbacks } = await services.wordpressExporter.export(file);
    console.log(
      `colloquy: exported ${posts} posts, ${comments} comments and ${linkbacks} linkbacks to ${shown} (WXR 1.2)`,
    );
  },
};

/** Records a privacy request on stderr, as the server's log would: never the address. */
const cliAudit: AuditLog = {
  info(details, message) {
    const { mode, counts } = details as { mode?: string; counts?: PersonalDataCount[] };
    const parts = (counts ?? []).map((c) => `${c.name} ${c.count}`).join(', ');
    console.error(`colloquy: ${message}${mode ? ` (${mode})` : ''}: ${parts || 'nothing stored'}`);
  },
};

/** Where the operator is: pnpm runs scripts from the repository root. */
const fromOperator = (file: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), file);

const commands: Record<
  string,
  (services: Services, options: Options, args: string[]) => Promise<void>
> = {
  async 'privacy:export'(services, options, [email]) {
    const { export: data, errors } = await services.privacy.export('cli', email!, cliAudit);
    check(errors);
    const json = exportJson(data!);
    if (options.out === undefined) {
      process.stdout.write(json);
      return;
    }
    // Personal data: readable by the operator only, and never over a file by accident.
    try {
      await fs.writeFile(fromOperator(options.out), json, {
        mode: 0o600,
        flag: options.force ? 'w' : 'wx',
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliError(`${options.out} exists (--force replaces it)`);
      throw new CliError(`cannot write ${options.out}: ${(error as Error).message}`);
    }
    console.error(`colloquy: wrote the export to ${options.out}`);
  },

  async 'privacy:erase'(services, options, [email]) {
    const mode = options.mode;
    if (mode === undefined) throw new CliError('--mode is required (remove or anonymise)');
    const result = await services.privacy.erase('cli', email!, mode.toUpperCase(), cliAudit);
    check(result.errors);
  },

  async 'user:create'(services, options) {
    const email = required(options, 'email');
    const displayName = required(options, 'name');
    const role = required(options, 'role');
    const password = await readPassword();
    const { user, errors } = await services.users.create({ email, displayName, password, role });
    check(errors);
    console.log(
      `colloquy: created ${user!.role} ${user!.email} (user ${user!.id}, author ${user!.authorId})`,
    );
  },

  async 'user:list'(services) {
    const users = await services.users.list();
    if (users.length === 0) {
      console.log('colloquy: no users yet; create one with `pnpm colloquy user:create`');
      return;
    }
    const rows = [
      ['ID', 'EMAIL', 'ROLE', 'NAME', 'AUTHOR', 'CREATED'],
      ...users.map((u) => [
        String(u.id),
        u.email,
        u.role,
        u.displayName,
        String(u.authorId),
        u.createdAt.toISOString(),
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows)
      console.log(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
  },

  // Refused, like the API's setUserRole, when it would leave the site without an ADMIN.
  async 'user:set-role'(services, options) {
    const { user, errors } = await services.users.setRole(
      required(options, 'email'),
      required(options, 'role'),
    );
    check(errors);
    console.log(`colloquy: ${user!.email} is now ${user!.role}`);
  },

  async 'user:reset-password'(services, options) {
    const email = required(options, 'email');
    await findUserId(services, email);
    const { user, errors } = await services.users.resetPassword(email, await readPassword());
    check(errors);
    console.log(`colloquy: changed the password of ${user!.email} and ended their sessions`);
  },

  async 'token:create'(services, options) {
    const userId = await findUserId(services, required(options, 'email'));
    let expiresAt: Date | null = null;
    const days = options['expires-days'];
    if (days !== undefined) {
      if (!/^[1-9]\d{0,4}$/.test(days))
        throw new CliError('--expires-days must be a whole number of days, 1 or more');
      expiresAt = new Date(Date.now() + Number(days) * 24 * 60 * 60 * 1000);
    }
    const { token, apiToken, errors } = await services.apiTokens.createFor(userId, {
      name: required(options, 'name'),
      scopes: required(options, 'scopes').split(','),
      expiresAt,
    });
    check(errors);
    // The secret alone on stdout, so it can be captured; the rest on stderr.
    console.error(
      `colloquy: created API token ${apiToken!.id} "${apiToken!.name}" (${apiToken!.scopes}` +
        `${expiresAt ? `, expires ${expiresAt.toISOString()}` : ', no expiry'}); it is shown only now:`,
    );
    console.log(token);
  },
};

async function run(argv: string[]): Promise<void> {
  if (argv.some((arg) => /^--password(=|$)/.test(arg) || arg === '-p')) {
    throw new CliError(
      'passwords are never taken from the command line (shell history and the process list would show them); ' +
        'type it at the prompt, or pipe it on stdin',
    );
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const [name, ...extra] = parsed.positionals;
  if (parsed.values.help || name === undefined || name === 'help') {
    console.log(USAGE);
    return;
  }
  const fileCommand = fileCommands[name];
  if (fileCommand) {
    if (parsed.values['dry-run']) throw new CliError(`${name} takes no --dry-run`);
    const file = fileArgument(name, extra);
    const config = loadConfig();
    if (config.database.kind === 'sqlite' && config.database.file === ':memory:')
      throw new CliError(`${name}: the database is in memory`);
    await fileCommand(config, file, parsed.values.force === true);
    return;
  }
  const dataFileCommand = dataFileCommands[name];
  if (dataFileCommand) {
    const file = fileArgument(name, extra);
    await withServices((services) => dataFileCommand(services, file, extra[0]!, parsed.values));
    return;
  }
  const command = commands[name];
  if (!command) throw new CliError(`unknown command "${name}"\n\n${USAGE}`);
  const wanted = POSITIONALS[name] ?? [];
  if (extra.length < wanted.length)
    throw new CliError(
      `${name} needs ${wanted.join(' ')}: pnpm colloquy ${name} ${wanted.join(' ')}`,
    );
  if (extra.length > wanted.length)
    throw new CliError(`unexpected argument "${extra[wanted.length]}"`);

  await withServices((services) => command(services, parsed.values, extra));
}

/** The one file a file command takes, resolved from where the operator is (pnpm runs scripts from the root). */
function fileArgument(name: string, extra: string[]): string {
  const [file, ...more] = extra;
  if (file === undefined) throw new CliError(`${name} needs a file: pnpm colloquy ${name} <file>`);
  if (more.length > 0) throw new CliError(`unexpected argument "${more[0]}"`);
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

/** Opens (migrating, seeding when empty) the configured database for `work`, and closes it. */
async function withServices(work: (services: Services) => Promise<void>): Promise<void> {
  let db: Database | undefined;
  try {
    const config = loadConfig();
    db = await openConfiguredDatabase(config, {
      info: (line) => console.error(line),
      error: (line) => console.error(line),
    });
    await work(createServices({ db, config }));
  } finally {
    await db?.close();
  }
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  if (
    error instanceof CliError ||
    error instanceof ConfigError ||
    error instanceof StartupError ||
    error instanceof BackupError ||
    error instanceof WxrError
  ) {
    console.error(`colloquy: ${error.message}`);
  } else {
    console.error(`colloquy: failed: ${(error as Error).message}`);
  }
  process.exitCode = error instanceof BackupError ? error.exitCode : 1;
}
