import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTokenRow, Role, SessionRow, UserRow } from '../../src/modules/auth/entities.js';
import { messages } from '../../src/modules/auth/messages.js';
import { hashSecret } from '../../src/modules/auth/secrets.js';
import { UsersService } from '../../src/modules/auth/users.service.js';
import { signInAs, TEST_PASSWORD } from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

interface ApiTokenResult {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

interface ViewerResult {
  role: string;
  scopes: string[] | null;
  canCreatePosts: boolean;
  canReadDrafts: boolean;
  canPublishPosts: boolean;
  canModerateComments: boolean;
  canManageShareTargets: boolean;
  canManageSettings: boolean;
  canManageUsers: boolean;
  permissions: { action: string; reach: 'ALL' | 'OWN' }[];
}

const TOKEN_FIELDS = 'id name scopes createdAt lastUsedAt expiresAt';
const CREATE = `mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { ${TOKEN_FIELDS} } errors { field code message } }
}`;
const LIST = `{ apiTokens { ${TOKEN_FIELDS} } }`;
const REVOKE = `mutation($id: ID!) { revokeApiToken(id: $id) { revoked errors { field code message } } }`;
const VIEWER = `{ viewer { role scopes canCreatePosts canReadDrafts canPublishPosts canModerateComments
  canManageShareTargets canManageSettings canManageUsers permissions { action reach } } }`;

interface CreateResult {
  createApiToken: {
    token: string | null;
    apiToken: ApiTokenResult | null;
    errors: { field: string | null; code: string; message: string }[];
  };
}

describe.each(databaseKinds())('API tokens and bearer authentication on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => {
    await server?.close();
  });

  const tokens = () => server.repo<ApiTokenRow>('ApiToken');
  const sessions = () => server.repo<SessionRow>('Session');

  const sessionFor = async (email: string, role: Role = 'EDITOR') =>
    (await signInAs(server, { email, role })).token;

  async function createToken(session: string, input: Record<string, unknown>) {
    const res = await server.gqlAs<CreateResult>(session, CREATE, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.createApiToken;
  }

  const viewerOf = async (token: string) =>
    (await server.gqlAs<{ viewer: ViewerResult }>(token, VIEWER)).data!.viewer;

  it('creates a token (secret shown once), lists it without the secret, and revokes it', async () => {
    const session = await sessionFor('tokens@example.org');
    const created = await createToken(session, {
      name: '  Deploy   script ',
      scopes: ['READ_DRAFTS'],
    });
    expect(created.errors).toEqual([]);
    expect(created.token).toMatch(/^clt_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({
      name: 'Deploy script',
      scopes: ['READ_DRAFTS'],
      lastUsedAt: null,
      expiresAt: null,
    });

    const list = await server.gqlAs<{ apiTokens: ApiTokenResult[] }>(session, LIST);
    expect(list.data?.apiTokens).toEqual([created.apiToken]);
    expect(list.raw).not.toContain(created.token!);

    const viewer = await viewerOf(created.token!);
    expect(viewer.scopes).toEqual(['READ_DRAFTS']);

    const revoked = await server.gqlAs<{ revokeApiToken: { revoked: boolean } }>(session, REVOKE, {
      id: created.apiToken!.id,
    });
    expect(revoked.data?.revokeApiToken).toEqual({ revoked: true, errors: [] });
    expect((await server.gqlAs<{ apiTokens: unknown[] }>(session, LIST)).data?.apiTokens).toEqual(
      [],
    );
    const after = await server.gqlAs(created.token!, VIEWER);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const again = await server.gqlAs<{ revokeApiToken: unknown }>(session, REVOKE, {
      id: created.apiToken!.id,
    });
    expect(again.data?.revokeApiToken).toEqual({
      revoked: false,
      errors: [{ field: 'id', code: 'NOT_FOUND', message: messages.tokenNotFound }],
    });
  });

  it("cannot list or revoke another user's tokens", async () => {
    const alice = await sessionFor('alice@example.org');
    const bob = await sessionFor('bob@example.org');
    const alices = await createToken(alice, { name: 'alice', scopes: ['MODERATE'] });
    expect((await server.gqlAs<{ apiTokens: unknown[] }>(bob, LIST)).data?.apiTokens).toEqual([]);
    const res = await server.gqlAs<{ revokeApiToken: { revoked: boolean } }>(bob, REVOKE, {
      id: alices.apiToken!.id,
    });
    expect(res.data?.revokeApiToken.revoked).toBe(false);
    expect((await viewerOf(alices.token!)).scopes).toEqual(['MODERATE']);
  });

  it('rejects a bad token request field by field and stores nothing', async () => {
    const session = await sessionFor('invalid.tokens@example.org');
    const before = await tokens().count();
    const res = await createToken(session, {
      name: '   ',
      scopes: [],
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(res.token).toBeNull();
    expect(res.errors.map((e) => [e.field, e.code])).toEqual([
      ['name', 'REQUIRED'],
      ['scopes', 'REQUIRED'],
      ['expiresAt', 'IN_THE_PAST'],
    ]);
    expect(await tokens().count()).toBe(before);
  });

  it('limits a token to its scopes: a READ_DRAFTS token cannot moderate', async () => {
    const session = await sessionFor('scoped.admin@example.org', 'ADMIN');
    const { token } = await createToken(session, { name: 'drafts', scopes: ['READ_DRAFTS'] });
    const viewer = await viewerOf(token!);
    expect(viewer).toMatchObject({
      role: 'ADMIN',
      scopes: ['READ_DRAFTS'],
      canReadDrafts: true,
      canModerateComments: false,
      canCreatePosts: false,
      canPublishPosts: false,
      canManageShareTargets: false,
      canManageSettings: false,
      canManageUsers: false,
    });
    expect(viewer.permissions).toEqual([{ action: 'post:readDrafts', reach: 'ALL' }]);
    // The same admin, signed in, may do everything.
    const full = await viewerOf(session);
    expect(full.canModerateComments && full.canManageUsers && full.canManageSettings).toBe(true);
  });

  it('does not let a token create, list or revoke tokens, nor sign out', async () => {
    const session = await sessionFor('no.minting@example.org', 'ADMIN');
    const { token, apiToken } = await createToken(session, {
      name: 'all',
      scopes: ['READ_DRAFTS', 'WRITE_CONTENT', 'MODERATE'],
    });
    for (const [query, variables] of [
      [CREATE, { input: { name: 'more', scopes: ['MODERATE'] } }],
      [LIST, {}],
      [REVOKE, { id: apiToken!.id }],
      ['mutation { signOut { signedOut } }', {}],
    ] as const) {
      const res = await server.gqlAs(token!, query, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await tokens().countBy({ name: 'more' })).toBe(0);
    expect((await viewerOf(token!)).scopes).toEqual(['READ_DRAFTS', 'WRITE_CONTENT', 'MODERATE']);
  });

  it("follows the owner's current role: demotion reduces a token's rights at once", async () => {
    const session = await sessionFor('demoted@example.org', 'ADMIN');
    const { token } = await createToken(session, {
      name: 'moderation bot',
      scopes: ['MODERATE', 'WRITE_CONTENT'],
    });
    const reachOf = (v: ViewerResult) =>
      Object.fromEntries(v.permissions.map((p) => [p.action, p.reach]));
    expect(reachOf(await viewerOf(token!))).toEqual({
      'post:create': 'ALL',
      'post:edit': 'ALL',
      'post:publish': 'ALL',
      'post:delete': 'ALL',
      'comment:moderate': 'ALL',
      'comment:readPrivate': 'ALL',
      'linkback:moderate': 'ALL',
    });

    const users = new UsersService({ db: server.db });
    expect((await users.setRole('demoted@example.org', 'author')).errors).toEqual([]);
    const demoted = await viewerOf(token!);
    expect(demoted.role).toBe('AUTHOR');
    expect(reachOf(demoted)).toEqual({
      'post:create': 'OWN',
      'post:edit': 'OWN',
      'post:publish': 'OWN',
      'post:delete': 'OWN',
      'comment:moderate': 'OWN',
      'comment:readPrivate': 'OWN',
      'linkback:moderate': 'OWN',
    });
  });

  it('stores passwords and tokens only as hashes', async () => {
    const session = await sessionFor('hashed@example.org');
    const { token } = await createToken(session, { name: 'hash check', scopes: ['MODERATE'] });
    const user = await server
      .repo<UserRow>('User')
      .findOneByOrFail({ email: 'hashed@example.org' });
    expect(user.passwordHash).toMatch(
      /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );

    // Every column of every row, as the database returns it.
    const dump = JSON.stringify([
      await server.dataSource.query('SELECT * FROM users'),
      await server.dataSource.query('SELECT * FROM sessions'),
      await server.dataSource.query('SELECT * FROM api_tokens'),
      await server.dataSource.query('SELECT * FROM sign_in_attempts'),
    ]);
    for (const secret of [TEST_PASSWORD, session, token!, session.slice(4), token!.slice(4)]) {
      expect(dump).not.toContain(secret);
    }
    expect(await sessions().countBy({ tokenHash: hashSecret(session) })).toBe(1);
    expect(await tokens().countBy({ tokenHash: hashSecret(token!) })).toBe(1);
  });

  it('refuses malformed, unknown and expired bearer tokens with UNAUTHENTICATED (401)', async () => {
    const session = await sessionFor('expiry@example.org');
    const { token, apiToken } = await createToken(session, {
      name: 'expiring',
      scopes: ['READ_DRAFTS'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(apiToken?.expiresAt).not.toBeNull();
    expect((await viewerOf(token!)).scopes).toEqual(['READ_DRAFTS']);

    const past = new Date(Date.now() - 1000);
    await tokens().update({ id: Number(apiToken!.id) }, { expiresAt: past });
    await sessions().update({ tokenHash: hashSecret(session) }, { expiresAt: past });

    const cases: [string, string][] = [
      [`Bearer ${token}`, messages.invalidToken],
      [`Bearer ${session}`, messages.invalidToken],
      ['Bearer cls_unknown', messages.invalidToken],
      ['Bearer clt_unknown', messages.invalidToken],
      ['Bearer not-ours', messages.invalidToken],
      ['Basic dXNlcjpwYXNz', messages.badAuthorizationHeader],
      ['Bearer', messages.badAuthorizationHeader],
    ];
    for (const [authorization, message] of cases) {
      // Even a public read: a client with a bad token should know, not silently read as anonymous.
      const res = await server.gql('{ site { title } }', undefined, undefined, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.errors?.[0]?.extensions?.code, authorization).toBe('UNAUTHENTICATED');
      expect(res.errors?.[0]?.message, authorization).toBe(message);
      expect(res.data, authorization).toBeUndefined();
    }

    // Signing in again clears the user's expired sessions away.
    const { userId } = await sessions().findOneByOrFail({ tokenHash: hashSecret(session) });
    const again = await server.gql<{ signIn: { token: string } }>(
      'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }',
      { e: 'expiry@example.org', p: TEST_PASSWORD },
    );
    expect(await sessions().findBy({ userId })).toEqual([
      expect.objectContaining({ tokenHash: hashSecret(again.data!.signIn.token) }),
    ]);
  });

  it('records when a token was last used, writing at most once a minute', async () => {
    const session = await sessionFor('last.used@example.org');
    const { token, apiToken } = await createToken(session, {
      name: 'reader',
      scopes: ['READ_DRAFTS'],
    });
    const id = Number(apiToken!.id);
    const query = () => server.gqlAs(token!, '{ viewer { role } }');

    // Token lookup, user lookup, and the first last-used write (a unit of work: BEGIN, UPDATE, COMMIT).
    expect(await server.countQueries(query)).toBe(5);
    const first = (await tokens().findOneByOrFail({ id })).lastUsedAt;
    expect(first).not.toBeNull();
    // Within the minute: reads only.
    expect(await server.countQueries(query)).toBe(2);
    expect((await tokens().findOneByOrFail({ id })).lastUsedAt).toEqual(first);

    await tokens().update({ id }, { lastUsedAt: new Date(first!.getTime() - 120_000) });
    expect(await server.countQueries(query)).toBe(5);
    expect((await tokens().findOneByOrFail({ id })).lastUsedAt!.getTime()).toBeGreaterThan(
      first!.getTime() - 120_000,
    );
    const listed = await server.gqlAs<{ apiTokens: ApiTokenResult[] }>(session, LIST);
    expect(listed.data?.apiTokens[0]?.lastUsedAt).not.toBeNull();
  });

  it('asks anonymous callers to sign in for their tokens', async () => {
    const res = await server.gql(LIST);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.message).toBe(messages.signInRequired);
  });
});
