import pg from 'pg';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, UserRow } from '../../src/modules/auth/entities.js';
import { messages } from '../../src/modules/auth/messages.js';
import { UsersService } from '../../src/modules/auth/users.service.js';
import { signInAs, TEST_PASSWORD } from '../support/fixtures.js';
import {
  capturedLog,
  databaseKinds,
  startServer,
  type GraphQLResponse,
  type TestServer,
} from '../support/server.js';

interface UserError {
  field: string | null;
  code: string;
  message: string;
}

interface UserResult {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  author: { name: string };
  createdAt: string;
}

interface UserPayload {
  user: UserResult | null;
  errors: UserError[];
}

interface UsersResult {
  users: {
    edges: { cursor: string; node: UserResult }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const USER_FIELDS = 'id email displayName role author { name } createdAt';
const USERS = `query($first: Int, $after: String) {
  users(first: $first, after: $after) {
    edges { cursor node { ${USER_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount
  }
}`;
const CREATE = `mutation($input: CreateUserInput!) {
  createUser(input: $input) { user { ${USER_FIELDS} } errors { field code message } }
}`;
const SET_ROLE = `mutation($id: ID!, $role: Role!) {
  setUserRole(id: $id, role: $role) { user { ${USER_FIELDS} } errors { field code message } }
}`;

const PASSWORD = 'a long enough passphrase';

/** Everyone's role, by email, as stored. */
async function roles(server: TestServer): Promise<Record<string, Role>> {
  const rows = await server.repo<UserRow>('User').find();
  return Object.fromEntries(rows.map((u) => [u.email, u.role]));
}

describe.each(databaseKinds())('users through the API on %s', (kind) => {
  let server: TestServer;
  let admin: { user: UserRow; token: string };
  const log = capturedLog();
  beforeAll(async () => {
    server = await startServer(kind, { logStream: log.stream });
    admin = await signInAs(server, {
      email: 'ada@example.org',
      role: 'ADMIN',
      displayName: 'Ada Admin',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const create = async (token: string, input: Record<string, unknown>) => {
    const res = await server.gqlAs<{ createUser: UserPayload }>(token, CREATE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.createUser;
  };
  const setRole = async (token: string, id: string, role: Role) => {
    const res = await server.gqlAs<{ setUserRole: UserPayload }>(token, SET_ROLE, { id, role });
    expect(res.errors).toBeUndefined();
    return res.data!.setUserRole;
  };

  it('creates a user, who can then sign in, credited to their own author profile', async () => {
    const created = await create(admin.token, {
      email: '  Grace@Example.org ',
      displayName: '  Grace   Hopper ',
      role: 'EDITOR',
      password: PASSWORD,
    });
    expect(created.errors).toEqual([]);
    expect(created.user).toMatchObject({
      email: 'grace@example.org',
      displayName: 'Grace Hopper',
      role: 'EDITOR',
      author: { name: 'Grace Hopper' },
    });
    expect(Date.now() - Date.parse(created.user!.createdAt)).toBeLessThan(60_000);

    const signIn = await server.gql<{
      signIn: { token: string | null; viewer: { role: string; canManageUsers: boolean } | null };
    }>(
      'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token viewer { role canManageUsers } } }',
      { e: 'grace@example.org', p: PASSWORD },
    );
    expect(signIn.data?.signIn.token).toMatch(/^cls_/);
    expect(signIn.data?.signIn.viewer).toEqual({ role: 'EDITOR', canManageUsers: false });

    // The seed post's author address: the new user takes over that profile, as at the CLI.
    const victoria = await create(admin.token, {
      email: 'victoria@example.org',
      displayName: 'Vic',
      role: 'AUTHOR',
      password: PASSWORD,
    });
    expect(victoria.user).toMatchObject({
      displayName: 'Vic',
      author: { name: 'Victoria Betton' },
    });
  });

  it('answers bad input with field errors, all at once, and creates nothing', async () => {
    const before = await server.repo<UserRow>('User').count();
    const bad = await create(admin.token, {
      email: 'not an address',
      displayName: '   ',
      role: 'AUTHOR',
      password: 'short',
    });
    expect(bad).toEqual({
      user: null,
      errors: [
        { field: 'email', code: 'INVALID_EMAIL', message: messages.emailInvalid },
        { field: 'password', code: 'TOO_SHORT', message: messages.passwordTooShort },
        { field: 'displayName', code: 'REQUIRED', message: messages.nameRequired },
      ],
    });
    const long = await create(admin.token, {
      email: `${'a'.repeat(250)}@example.org`,
      displayName: 'x'.repeat(201),
      role: 'AUTHOR',
      password: 'p'.repeat(1001),
    });
    expect(long.errors.map((e) => [e.field, e.code])).toEqual([
      ['email', 'TOO_LONG'],
      ['password', 'TOO_LONG'],
      ['displayName', 'TOO_LONG'],
    ]);
    // A role outside the enum never reaches the service: GraphQL refuses the variable (HTTP 400).
    const role = await server.gqlAs(admin.token, CREATE, {
      input: { email: 'x@example.org', displayName: 'X', role: 'OWNER', password: PASSWORD },
    });
    expect(role.status).toBe(400);
    expect(role.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await server.repo<UserRow>('User').count()).toBe(before);
  });

  it('refuses a second account for an address (any case) with TAKEN on email', async () => {
    const before = await server.repo<UserRow>('User').count();
    const again = await create(admin.token, {
      email: 'GRACE@example.ORG',
      displayName: 'Another Grace',
      role: 'ADMIN',
      password: PASSWORD,
    });
    expect(again).toEqual({
      user: null,
      errors: [{ field: 'email', code: 'TAKEN', message: messages.emailTaken }],
    });
    expect(await server.repo<UserRow>('User').count()).toBe(before);
    expect((await roles(server))['grace@example.org']).toBe('EDITOR');
  });

  it('two creations of one address at once: one account, the other gets TAKEN', async () => {
    const input = {
      email: 'twice@example.org',
      displayName: 'Twice',
      role: 'AUTHOR',
      password: PASSWORD,
    };
    const results = await Promise.all([create(admin.token, input), create(admin.token, input)]);
    expect(results.map((r) => r.errors.map((e) => e.code)).sort()).toEqual([[], ['TAKEN']]);
    expect(await server.repo<UserRow>('User').countBy({ email: 'twice@example.org' })).toBe(1);
  });

  it('lists every user newest first, with their author name, in pages', async () => {
    const all = await server.gqlAs<UsersResult>(admin.token, USERS, {});
    expect(all.errors).toBeUndefined();
    const { edges, totalCount, pageInfo } = all.data!.users;
    expect(totalCount).toBe(await server.repo<UserRow>('User').count());
    expect(edges.map((e) => e.node.email)).toEqual([
      'twice@example.org',
      'victoria@example.org',
      'grace@example.org',
      'ada@example.org',
    ]);
    expect(edges.at(-1)!.node).toMatchObject({
      id: String(admin.user.id),
      displayName: 'Ada Admin',
      role: 'ADMIN',
      author: { name: 'Ada Admin' },
    });
    expect(pageInfo.hasNextPage).toBe(false);
    // Nothing of the password, not even its hash.
    expect(all.raw).not.toMatch(/scrypt|password/i);

    const first = await server.gqlAs<UsersResult>(admin.token, USERS, { first: 3 });
    expect(first.data!.users.pageInfo.hasNextPage).toBe(true);
    const rest = await server.gqlAs<UsersResult>(admin.token, USERS, {
      first: 3,
      after: first.data!.users.pageInfo.endCursor,
    });
    expect(
      [...first.data!.users.edges, ...rest.data!.users.edges].map((e) => e.node.email),
    ).toEqual(edges.map((e) => e.node.email));
    expect(rest.data!.users.pageInfo.hasNextPage).toBe(false);

    const tooMany = await server.gqlAs(admin.token, USERS, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await server.gqlAs(admin.token, USERS, { after: 'nonsense' });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("changes a role, which applies to the user's next request", async () => {
    const grace = await server.repo<UserRow>('User').findOneByOrFail({
      email: 'grace@example.org',
    });
    const session = await server.gql<{ signIn: { token: string } }>(
      'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }',
      { e: 'grace@example.org', p: PASSWORD },
    );
    const token = session.data!.signIn.token;

    const changed = await setRole(admin.token, String(grace.id), 'AUTHOR');
    expect(changed.errors).toEqual([]);
    expect(changed.user).toMatchObject({ id: String(grace.id), role: 'AUTHOR' });
    const viewer = await server.gqlAs<{ viewer: { role: string } }>(token, '{ viewer { role } }');
    expect(viewer.data?.viewer.role).toBe('AUTHOR');

    // The same role again is no change, and no error.
    expect((await setRole(admin.token, String(grace.id), 'AUTHOR')).errors).toEqual([]);
    expect((await roles(server))['grace@example.org']).toBe('AUTHOR');
  });

  it('answers NOT_FOUND on id for an id that is no user', async () => {
    const before = await roles(server);
    for (const id of ['999999', 'abc', '0', '99999999999']) {
      expect(await setRole(admin.token, id, 'EDITOR'), id).toEqual({
        user: null,
        errors: [{ field: 'id', code: 'NOT_FOUND', message: messages.userIdNotFound }],
      });
    }
    expect(await roles(server)).toEqual(before);
  });

  it('refuses to demote the last ADMIN (LAST_ADMIN on role); with a second one it may', async () => {
    const me = String(admin.user.id);
    for (const role of ['EDITOR', 'AUTHOR'] as const) {
      expect(await setRole(admin.token, me, role)).toEqual({
        user: null,
        errors: [{ field: 'role', code: 'LAST_ADMIN', message: messages.lastAdmin }],
      });
    }
    expect((await roles(server))['ada@example.org']).toBe('ADMIN');
    // ADMIN to ADMIN leaves the site with one: allowed.
    expect((await setRole(admin.token, me, 'ADMIN')).errors).toEqual([]);

    const grace = await server.repo<UserRow>('User').findOneByOrFail({
      email: 'grace@example.org',
    });
    expect((await setRole(admin.token, String(grace.id), 'ADMIN')).errors).toEqual([]);
    const demoted = await setRole(admin.token, me, 'EDITOR');
    expect(demoted.errors).toEqual([]);
    expect(demoted.user?.role).toBe('EDITOR');
    // Ada is an EDITOR now: the next request of hers may no longer manage users.
    const refused = await server.gqlAs(admin.token, USERS, {});
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Grace, the ADMIN now, cannot demote herself: she is the last one.
    await new UsersService({ db: server.db }).setRole('ada@example.org', 'ADMIN');
    expect(await roles(server)).toMatchObject({
      'ada@example.org': 'ADMIN',
      'grace@example.org': 'ADMIN',
    });
  });

  it('refuses EDITORs, AUTHORs, anonymous requests and API tokens, even an ADMIN’s', async () => {
    const editor = await signInAs(server, { email: 'ed@example.org', role: 'EDITOR' });
    const author = await signInAs(server, { email: 'au@example.org', role: 'AUTHOR' });
    const tokenRes = await server.gqlAs<{ createApiToken: { token: string } }>(
      admin.token,
      'mutation { createApiToken(input: { name: "all of it", scopes: [READ_DRAFTS, WRITE_CONTENT, MODERATE] }) { token } }',
    );
    const apiToken = tokenRes.data!.createApiToken.token;
    const before = await roles(server);
    const input = {
      email: 'sneaky@example.org',
      displayName: 'S',
      role: 'ADMIN',
      password: PASSWORD,
    };
    const operations: [string, Record<string, unknown>][] = [
      [USERS, {}],
      [CREATE, { input }],
      [SET_ROLE, { id: String(editor.user.id), role: 'ADMIN' }],
    ];
    const expectRefused = (res: GraphQLResponse, code: string, message?: string) => {
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe(code);
      if (message) expect(res.errors?.[0]?.message).toBe(message);
    };
    for (const [query, variables] of operations) {
      expectRefused(
        await server.gqlAs(editor.token, query, variables),
        'FORBIDDEN',
        messages.forbiddenRole('EDITOR', 'user:manage'),
      );
      expectRefused(await server.gqlAs(author.token, query, variables), 'FORBIDDEN');
      expectRefused(
        await server.gqlAs(apiToken, query, variables),
        'FORBIDDEN',
        messages.forbiddenScope('user:manage', []),
      );
      expectRefused(await server.gql(query, variables), 'UNAUTHENTICATED');
    }
    expect(await roles(server)).toEqual(before);
  });

  it('never logs a password', () => {
    // The requests above were logged (the stream is the server's log)…
    expect(log.text()).toContain('"path":"/graphql"');
    // …and none of the passwords they carried.
    expect(log.text()).not.toContain(PASSWORD);
    expect(log.text()).not.toContain(TEST_PASSWORD);
  });
});

/**
 * Opens a transaction on a connection of its own that demotes `userId`, as
 * another request or process would, and keeps it open until `commit`.
 */
async function demotionInFlight(
  server: TestServer,
  userId: number,
): Promise<{ commit: () => Promise<void> }> {
  const database = server.config.database;
  if (database.kind === 'postgres') {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`UPDATE users SET role = 'EDITOR' WHERE id = $1`, [userId]);
    return {
      commit: async () => {
        await client.query('COMMIT');
        await client.end();
      },
    };
  }
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(database.file, (e) => (e ? reject(e) : resolve(d)));
  });
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => db.run(sql, params, (e) => (e ? reject(e) : resolve())));
  await run('BEGIN IMMEDIATE');
  await run(`UPDATE users SET role = 'EDITOR' WHERE id = ?`, [userId]);
  return {
    commit: async () => {
      await run('COMMIT');
      await new Promise<void>((resolve, reject) => db.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

describe.each(databaseKinds())('the last ADMIN under concurrent demotions on %s', (kind) => {
  let server: TestServer;
  let a: { user: UserRow; token: string };
  let b: { user: UserRow; token: string };
  beforeAll(async () => {
    server = await startServer(kind, { seed: false });
    a = await signInAs(server, { email: 'a@example.org', role: 'ADMIN' });
    b = await signInAs(server, { email: 'b@example.org', role: 'ADMIN' });
  });
  afterAll(async () => {
    await server?.close();
  });

  const demote = (by: string, id: number) =>
    server.gqlAs<{ setUserRole: UserPayload }>(by, SET_ROLE, { id: String(id), role: 'EDITOR' });
  const admins = async () =>
    (await server.repo<UserRow>('User').findBy({ role: 'ADMIN' })).map((u) => u.email);

  it('two ADMINs demoting each other at once: one succeeds, the other is refused', async () => {
    const users = new UsersService({ db: server.db });
    for (let round = 0; round < 6; round++) {
      const results = await Promise.all([demote(a.token, b.user.id), demote(b.token, a.user.id)]);
      // The one that wrote second is LAST_ADMIN, or FORBIDDEN when its request was
      // authenticated after the other's demotion had committed.
      const outcomes = results.map(
        (r) =>
          r.data?.setUserRole.errors.map((e) => e.code).join() ?? r.errors?.[0]?.extensions?.code,
      );
      expect(
        outcomes.filter((o) => o === ''),
        outcomes.join(' / '),
      ).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'LAST_ADMIN' || o === 'FORBIDDEN')).toHaveLength(1);
      const left = await admins();
      expect(left).toHaveLength(1);
      // The operator makes the demoted one an ADMIN again for the next round.
      const demoted = left[0] === 'a@example.org' ? 'b@example.org' : 'a@example.org';
      expect((await users.setRole(demoted, 'ADMIN')).errors).toEqual([]);
    }
  });

  it('counts the ADMINs after a demotion that is still being written, not before', async () => {
    expect((await admins()).sort()).toEqual(['a@example.org', 'b@example.org']);
    const inFlight = await demotionInFlight(server, b.user.id);
    let answered = false;
    const selfDemotion = demote(a.token, a.user.id).finally(() => (answered = true));
    // It waits for the other writer's lock: had it counted first, it would see two ADMINs.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(answered).toBe(false);
    await inFlight.commit();
    const res = await selfDemotion;
    expect(res.data?.setUserRole).toEqual({
      user: null,
      errors: [{ field: 'role', code: 'LAST_ADMIN', message: messages.lastAdmin }],
    });
    expect(await admins()).toEqual(['a@example.org']);
  });

  it('the CLI is refused the same way', async () => {
    const users = new UsersService({ db: server.db });
    expect(await users.setRole('a@example.org', 'author')).toEqual({
      user: null,
      errors: [{ field: 'role', code: 'LAST_ADMIN', message: messages.lastAdmin }],
    });
    expect(await admins()).toEqual(['a@example.org']);
  });
});
