import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role, SignInAttemptRow } from '../src/db/entities.js';
import { AUTH } from '../src/modules/auth/constants.js';
import { messages } from '../src/modules/auth/messages.js';
import { createUser as createUserFixture, TEST_PASSWORD as PASSWORD } from './support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from './support/server.js';

interface UserError {
  field: string | null;
  code: string;
  message: string;
}

interface ViewerResult {
  id: string;
  email: string;
  displayName: string;
  role: string;
  author: { id: string; name: string };
  scopes: string[] | null;
  canCreatePosts: boolean;
  canReadDrafts: boolean;
  canPublishPosts: boolean;
  canModerateComments: boolean;
  canManageShareTargets: boolean;
  canManageSettings: boolean;
  canManageUsers: boolean;
}

const VIEWER_FIELDS = `id email displayName role author { id name } scopes
  canCreatePosts canReadDrafts canPublishPosts canModerateComments
  canManageShareTargets canManageSettings canManageUsers`;

const SIGN_IN = `mutation($email: String!, $password: String!) {
  signIn(email: $email, password: $password) {
    token expiresAt viewer { ${VIEWER_FIELDS} } errors { field code message }
  }
}`;

const VIEWER = `{ viewer { ${VIEWER_FIELDS} } }`;

interface SignInResult {
  signIn: {
    token: string | null;
    expiresAt: string | null;
    viewer: ViewerResult | null;
    errors: UserError[];
  };
}

describe.each(databaseKinds())('accounts and sign-in on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => {
    await server?.close();
  });

  const attempts = () => server.dataSource.getRepository<SignInAttemptRow>('SignInAttempt');
  // Every request comes from 127.0.0.1: start each test with a clean slate for that IP.
  beforeEach(async () => {
    await attempts().clear();
  });

  const createUser = (email: string, role: Role = 'EDITOR', displayName = 'Test User') =>
    createUserFixture(server.dataSource, { email, role, displayName });

  const signIn = (email: string, password: string) =>
    server.gql<SignInResult>(SIGN_IN, { email, password });

  it('signs in, reads the viewer, signs out, and the token is then refused', async () => {
    // The seed author's address: the new user owns the seed post.
    const user = await createUser('Victoria@Example.org', 'AUTHOR', 'Victoria B.');
    expect(user.email).toBe('victoria@example.org');
    expect(user.authorId).toBe(1);

    const res = await signIn('  VICTORIA@example.org ', PASSWORD);
    expect(res.errors).toBeUndefined();
    const { token, expiresAt, viewer, errors } = res.data!.signIn;
    expect(errors).toEqual([]);
    expect(token).toMatch(/^cls_[A-Za-z0-9_-]{43}$/);
    const ttl = new Date(expiresAt!).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(AUTH.sessionTtlMs - 60_000);
    expect(ttl).toBeLessThanOrEqual(AUTH.sessionTtlMs);
    expect(viewer).toMatchObject({
      id: String(user.id),
      email: 'victoria@example.org',
      displayName: 'Victoria B.',
      role: 'AUTHOR',
      author: { id: '1', name: 'Victoria Betton' },
      scopes: null,
      canCreatePosts: true,
      canModerateComments: true,
      canManageSettings: false,
      canManageUsers: false,
    });

    const me = await server.gqlAs<{ viewer: ViewerResult }>(token!, VIEWER);
    expect(me.data?.viewer.email).toBe('victoria@example.org');

    const out = await server.gqlAs<{ signOut: { signedOut: boolean } }>(
      token!,
      'mutation { signOut { signedOut } }',
    );
    expect(out.data?.signOut.signedOut).toBe(true);
    const after = await server.gqlAs(token!, VIEWER);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toBe(messages.invalidToken);
  });

  it('answers anonymous requests as before: viewer is null', async () => {
    const res = await server.gql<{ viewer: null; site: { title: string } }>(
      '{ viewer { id } site { title } }',
    );
    expect(res.status).toBe(200);
    expect(res.data?.viewer).toBeNull();
    expect(res.data?.site.title).toBeTruthy();
  });
});
