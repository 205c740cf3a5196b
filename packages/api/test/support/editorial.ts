import type { Role } from '../../src/modules/auth/entities.js';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service.js';
import type { ApiTokenScope } from '../../src/modules/auth/viewer.js';
import { createUser, TEST_PASSWORD } from './fixtures.js';
import type { TestServer } from './server.js';

export interface UserError {
  field: string | null;
  code: string;
  message: string;
}

export interface SignedIn {
  token: string;
  userId: number;
  authorId: number;
}

/** Creates a user with `role` and signs them in over GraphQL; returns the session token. */
export async function signedInUser(
  server: TestServer,
  email: string,
  role: Role,
  displayName = `${role[0]}${role.slice(1).toLowerCase()} User`,
): Promise<SignedIn> {
  const user = await createUser(server.db, { email, role, displayName });
  const res = await server.gql<{ signIn: { token: string | null; errors: UserError[] } }>(
    'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token errors { code } } }',
    { e: email, p: TEST_PASSWORD },
  );
  const token = res.data?.signIn.token;
  if (!token) throw new Error(`sign-in failed: ${res.raw}`);
  return { token, userId: user.id, authorId: user.authorId };
}

/** A personal API token for `userId` with `scopes` (made as the CLI makes them). */
export async function apiToken(
  server: TestServer,
  userId: number,
  scopes: ApiTokenScope[],
): Promise<string> {
  const tokens = new ApiTokensService({ db: server.db });
  const { token } = await tokens.createFor(userId, { name: `test ${scopes.join('+')}`, scopes });
  if (!token) throw new Error('token creation failed');
  return token;
}
