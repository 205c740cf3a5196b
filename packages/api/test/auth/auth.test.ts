import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthorRow } from '../../src/modules/posts/entities.js';
import type { Role, SignInAttemptRow } from '../../src/modules/auth/entities.js';
import { SignInThrottle } from '../../src/modules/auth/throttle.js';
import { AUTH } from '../../src/modules/auth/constants.js';
import { messages } from '../../src/modules/auth/messages.js';
import { createUser as createUserFixture, TEST_PASSWORD as PASSWORD } from '../support/fixtures.js';
import {
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

  const attempts = () => server.repo<SignInAttemptRow>('SignInAttempt');
  // Every request comes from 127.0.0.1: start each test with a clean slate for that IP.
  beforeEach(async () => {
    await attempts().clear();
  });

  const createUser = (email: string, role: Role = 'EDITOR', displayName = 'Test User') =>
    createUserFixture(server.db, { email, role, displayName });

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

  it('gives the same answer for an unknown email and a wrong password', async () => {
    await createUser('known@example.org');
    const unknown = await signIn('nobody@example.org', PASSWORD);
    const wrong = await signIn('known@example.org', 'not the password at all');
    expect(unknown.status).toBe(200);
    expect(wrong.status).toBe(200);
    expect(unknown.raw).toBe(wrong.raw);
    expect(wrong.data?.signIn).toEqual({
      token: null,
      expiresAt: null,
      viewer: null,
      errors: [{ field: null, code: 'INVALID_CREDENTIALS', message: messages.invalidCredentials }],
    });
  });

  it('links a new user to a new author profile when no author has their email', async () => {
    const authors = server.repo<AuthorRow>('Author');
    const before = await authors.count();
    const user = await createUser('new.author@example.org', 'AUTHOR', 'New Author');
    expect(await authors.count()).toBe(before + 1);
    expect(await authors.findOneBy({ id: user.authorId })).toMatchObject({
      name: 'New Author',
      email: 'new.author@example.org',
    });
  });

  // Each failed attempt costs a real scrypt run; slow machines need the time.
  describe('throttling', { timeout: 90_000 }, () => {
    const codes = (results: GraphQLResponse<SignInResult>[]) =>
      results.map((r) => r.data?.signIn.errors[0]?.code ?? 'OK');
    async function failTimes(n: number, email: string) {
      const results = [];
      for (let i = 0; i < n; i++) results.push(await signIn(email, `wrong password ${i}`));
      return codes(results);
    }
    const retryAtOf = (res: GraphQLResponse<SignInResult>) => {
      const iso = /after (\S+)\.$/.exec(res.data!.signIn.errors[0]!.message)?.[1];
      return new Date(iso!);
    };
    const emailRows = (email: string) =>
      attempts().find({
        where: { subject: SignInThrottle.emailSubject(email) },
        order: { id: 'ASC' },
      });
    /** Moves every recorded attempt `ms` into the past. */
    async function age(ms: number) {
      for (const row of await attempts().find()) {
        await attempts().update(
          { id: row.id },
          { createdAt: new Date(row.createdAt.getTime() - ms) },
        );
      }
    }
    const { freeFailuresPerEmail, freeFailuresPerIp, firstDelayMs, windowMs } = AUTH.throttle;

    it(`lets the right password in after ${freeFailuresPerEmail - 1} failures and clears the email's count`, async () => {
      await createUser('inside@example.org');
      expect(await failTimes(freeFailuresPerEmail - 1, 'inside@example.org')).toEqual(
        Array(freeFailuresPerEmail - 1).fill('INVALID_CREDENTIALS'),
      );
      const ok = await signIn('inside@example.org', PASSWORD);
      expect(ok.data?.signIn.errors).toEqual([]);
      expect(ok.data?.signIn.token).toMatch(/^cls_/);
      expect(await emailRows('inside@example.org')).toEqual([]);
      // The count starts again: another full allowance of failures.
      expect(await failTimes(freeFailuresPerEmail, 'inside@example.org')).toEqual(
        Array(freeFailuresPerEmail).fill('INVALID_CREDENTIALS'),
      );
    });

    it(`refuses even the right password after ${freeFailuresPerEmail} failures, and says when to retry`, async () => {
      await createUser('locked@example.org');
      await failTimes(freeFailuresPerEmail, 'locked@example.org');
      const refused = await signIn('locked@example.org', PASSWORD);
      expect(refused.data?.signIn.token).toBeNull();
      expect(refused.data?.signIn.errors[0]?.code).toBe('RATE_LIMITED');
      const rows = await emailRows('locked@example.org');
      // Refused attempts are not recorded: only the failures count.
      expect(rows).toHaveLength(freeFailuresPerEmail);
      const latest = rows[rows.length - 1]!.createdAt.getTime();
      expect(retryAtOf(refused).getTime()).toBe(latest + firstDelayMs);
      expect(refused.data?.signIn.errors[0]?.message).toBe(
        messages.rateLimited(new Date(latest + firstDelayMs)),
      );

      // Once the wait is over, one more failure doubles it.
      await age(firstDelayMs + 1000);
      expect(await failTimes(1, 'locked@example.org')).toEqual(['INVALID_CREDENTIALS']);
      const again = await signIn('locked@example.org', PASSWORD);
      expect(again.data?.signIn.errors[0]?.code).toBe('RATE_LIMITED');
      const newest = (await emailRows('locked@example.org')).at(-1)!.createdAt.getTime();
      expect(retryAtOf(again).getTime()).toBe(newest + 2 * firstDelayMs);

      // Failures older than the window are forgotten.
      await age(windowMs + 1000);
      const ok = await signIn('locked@example.org', PASSWORD);
      expect(ok.data?.signIn.errors).toEqual([]);
    });

    it('throttles unknown emails exactly like known ones', async () => {
      expect(await failTimes(freeFailuresPerEmail + 1, 'ghost@example.org')).toEqual([
        ...Array(freeFailuresPerEmail).fill('INVALID_CREDENTIALS'),
        'RATE_LIMITED',
      ]);
    });

    it(`refuses an IP address after ${freeFailuresPerIp} failures across emails`, async () => {
      await createUser('shared.ip@example.org');
      // Different emails, so only the IP's count grows.
      const spread = async (n: number, from: number) => {
        const results = [];
        for (let i = from; i < from + n; i++)
          results.push(await signIn(`guess${i}@example.org`, 'wrong password'));
        return codes(results);
      };
      expect(await spread(freeFailuresPerIp - 1, 0)).toEqual(
        Array(freeFailuresPerIp - 1).fill('INVALID_CREDENTIALS'),
      );
      // Just inside the limit; a success does not clear the IP's failures.
      expect(codes([await signIn('shared.ip@example.org', PASSWORD)])).toEqual(['OK']);
      expect(await spread(1, 100)).toEqual(['INVALID_CREDENTIALS']);
      expect(codes([await signIn('shared.ip@example.org', PASSWORD)])).toEqual(['RATE_LIMITED']);
      expect(await spread(1, 200)).toEqual(['RATE_LIMITED']);
    });

    it('counts a burst of parallel guesses like a sequence of guesses', async () => {
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) => signIn('burst@example.org', `wrong ${i}`)),
      );
      const result = codes(burst);
      const passed = result.filter((c) => c === 'INVALID_CREDENTIALS').length;
      const refused = result.filter((c) => c === 'RATE_LIMITED').length;
      expect(passed + refused).toBe(10);
      // Each attempt sees those recorded before it, so about five get their password checked.
      expect(passed).toBeGreaterThanOrEqual(freeFailuresPerEmail);
      expect(passed).toBeLessThanOrEqual(freeFailuresPerEmail + 2);
      expect(await emailRows('burst@example.org')).toHaveLength(passed);
    });
  });
});
