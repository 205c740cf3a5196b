import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { colloquy } from '../support/cli.js';
import { databaseKinds, freshDatabase, startServer, type TestServer } from '../support/server.js';

describe.each(databaseKinds())('operator CLI on %s', (kind) => {
  let db: DatabaseConfig;
  let drop: () => Promise<void>;
  let server: TestServer | undefined;
  beforeAll(async () => {
    ({ db, drop } = await freshDatabase(kind));
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  // Each command starts Node with tsx: about a second apiece.
  const SLOW = 90_000;

  it(
    'creates the first admin, lists, changes roles, resets passwords, makes tokens; the server accepts them',
    async () => {
      const created = await colloquy(
        db,
        ['user:create', '--email', 'Root@Example.org', '--name', 'Root Admin', '--role', 'admin'],
        'first admin password\n',
      );
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toMatch(/created ADMIN root@example\.org \(user 1, author 2\)/);
      // The CLI migrated and seeded the empty database, like `pnpm start`.
      expect(created.stderr).toContain('seeded the database');

      // The seed author's email: this user owns the seed post (author 1).
      const author = await colloquy(
        db,
        [
          'user:create',
          '--email',
          'victoria@example.org',
          '--name',
          'Victoria',
          '--role',
          'author',
        ],
        'victoria password\n',
      );
      expect(author.stdout).toContain('created AUTHOR victoria@example.org (user 2, author 1)');

      const list = await colloquy(db, ['user:list'], '', 'pnpm');
      expect(list.code).toBe(0);
      const lines = list.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^ID\s+EMAIL\s+ROLE\s+NAME\s+AUTHOR\s+CREATED$/);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 5))).toEqual([
        ['1', 'root@example.org', 'ADMIN', 'Root Admin', '2'],
        ['2', 'victoria@example.org', 'AUTHOR', 'Victoria', '1'],
      ]);

      const role = await colloquy(db, [
        'user:set-role',
        '--email',
        'VICTORIA@example.org',
        '--role',
        'editor',
      ]);
      expect(role).toMatchObject({
        code: 0,
        stdout: 'colloquy: victoria@example.org is now EDITOR\n',
      });

      const reset = await colloquy(
        db,
        ['user:reset-password', '--email', 'root@example.org'],
        'second admin password\n',
      );
      expect(reset.code).toBe(0);
      expect(reset.stdout).toContain('changed the password of root@example.org');

      const token = await colloquy(db, [
        'token:create',
        '--email',
        'victoria@example.org',
        '--name',
        'moderation bot',
        '--scopes',
        'moderate,read_drafts',
        '--expires-days',
        '30',
      ]);
      expect(token.code).toBe(0);
      // Only the secret on stdout, so scripts can capture it.
      expect(token.stdout).toMatch(/^clt_[A-Za-z0-9_-]{43}\n$/);
      expect(token.stderr).toMatch(
        /created API token 1 "moderation bot" \(READ_DRAFTS,MODERATE, expires /,
      );

      // The server, on the same database, accepts the new password and the token.
      server = await startServer(kind, { database: db });
      const oldPassword = await server.gql<{ signIn: { errors: { code: string }[] } }>(
        'mutation { signIn(email: "root@example.org", password: "first admin password") { errors { code } } }',
      );
      expect(oldPassword.data?.signIn.errors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
      const signIn = await server.gql<{
        signIn: { token: string; viewer: { role: string; canManageUsers: boolean } };
      }>(
        'mutation { signIn(email: "root@example.org", password: "second admin password") { token viewer { role canManageUsers } } }',
      );
      expect(signIn.data?.signIn.viewer).toEqual({ role: 'ADMIN', canManageUsers: true });
      const me = await server.gqlAs<{ viewer: { email: string; role: string; scopes: string[] } }>(
        token.stdout.trim(),
        '{ viewer { email role scopes author { id } } }',
      );
      expect(me.data?.viewer).toEqual({
        email: 'victoria@example.org',
        role: 'EDITOR',
        scopes: ['READ_DRAFTS', 'MODERATE'],
        author: { id: '1' },
      });
    },
    SLOW,
  );

  it(
    'refuses a password on the command line, and changes nothing',
    async () => {
      const users = async () =>
        (await colloquy(db, ['user:list'])).stdout.trim().split('\n').length - 1;
      const before = await users();
      for (const flag of [['--password', 'hunter2hunter2'], ['--password=hunter2hunter2']]) {
        const res = await colloquy(db, [
          'user:create',
          '--email',
          'argv@example.org',
          '--name',
          'Argv',
          '--role',
          'editor',
          ...flag,
        ]);
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/^colloquy: passwords are never taken from the command line/);
        expect(res.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(await users()).toBe(before);
    },
    SLOW,
  );

  it(
    'reports mistakes in one line with exit code 1',
    async () => {
      const cases: [string[], string, RegExp][] = [
        [
          ['user:create', '--email', 'x@example.org', '--name', 'X', '--role', 'boss'],
          'long enough password\n',
          /The role must be ADMIN, EDITOR or AUTHOR\./,
        ],
        [
          ['user:create', '--email', 'x@example.org', '--name', 'X', '--role', 'editor'],
          'short\n',
          /at least 10 characters/,
        ],
        [
          ['user:create', '--email', 'x@example.org', '--name', 'X', '--role', 'editor'],
          '',
          /no password given/,
        ],
        [
          ['user:create', '--email', 'root@example.org', '--name', 'X', '--role', 'editor'],
          'long enough password\n',
          /already exists/,
        ],
        [
          ['user:set-role', '--email', 'nobody@example.org', '--role', 'editor'],
          '',
          /no user with this email/,
        ],
        // root@example.org is the only ADMIN: the same guard as setUserRole.
        [
          ['user:set-role', '--email', 'root@example.org', '--role', 'editor'],
          '',
          /This is the only ADMIN: make another user an ADMIN first/,
        ],
        [
          ['token:create', '--email', 'root@example.org', '--name', 'n', '--scopes', 'everything'],
          '',
          /scopes must be READ_DRAFTS, WRITE_CONTENT or MODERATE/,
        ],
        [
          [
            'token:create',
            '--email',
            'root@example.org',
            '--name',
            'n',
            '--scopes',
            'moderate',
            '--expires-days',
            '0',
          ],
          '',
          /--expires-days must be a whole number/,
        ],
        [['user:create', '--name', 'X', '--role', 'editor'], '', /--email is required/],
      ];
      for (const [args, stdin, message] of cases) {
        const res = await colloquy(db, args, stdin);
        expect(res.code, args.join(' ')).toBe(1);
        expect(res.stderr, args.join(' ')).toMatch(/^colloquy: /);
        expect(res.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(res.stderr, args.join(' ')).toMatch(message);
      }
      expect((await colloquy(db, ['user:list'])).stdout).not.toContain('x@example.org');
      const unknown = await colloquy(db, ['user:delete']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^colloquy: unknown command "user:delete"/);
    },
    SLOW,
  );
});
