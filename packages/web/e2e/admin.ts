import { execFile } from 'node:child_process';
import path from 'node:path';
import type { RunningServer } from './server.js';

const cli = path.resolve(import.meta.dirname, '../../api/dist/cli.js');

const EMAIL = 'e2e-admin@example.org';
const PASSWORD = 'correct horse battery staple e2e';

/** A GraphQL request to the e2e server, optionally as a signed-in user; throws on any error. */
export async function graphql<T>(
  server: RunningServer,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors?.length) throw new Error(`GraphQL failed: ${JSON.stringify(body)}`);
  return body.data;
}

export type Role = 'admin' | 'editor' | 'author';

export interface TestUser {
  email: string;
  password: string;
  role: Role;
}

/** A user made with the operator CLI (the password on stdin), as an operator would. */
export async function createUser(
  server: RunningServer,
  role: Role,
  email: string,
  name = `E2E ${role}`,
): Promise<TestUser> {
  const password = `${PASSWORD} ${role}`;
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [cli, 'user:create', '--email', email, '--name', name, '--role', role],
      { env: { ...process.env, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'warn' } },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
    );
    child.stdin!.end(`${password}\n`);
  });
  return { email, password, role };
}

/** Signs `user` in over GraphQL: their session token. */
export async function signInToken(server: RunningServer, user: TestUser): Promise<string> {
  const data = await graphql<{ signIn: { token: string | null; errors: unknown[] } }>(
    server,
    'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token errors { code message } } }',
    { email: user.email, password: user.password },
  );
  if (!data.signIn.token) throw new Error(`sign-in failed: ${JSON.stringify(data.signIn.errors)}`);
  return data.signIn.token;
}

let admin: Promise<TestUser> | null = null;
let adminServer: RunningServer | null = null;

/** An admin (named E2E Admin) made with the operator CLI, once per server. */
export function adminUser(server: RunningServer): Promise<TestUser> {
  if (!admin || adminServer !== server) {
    adminServer = server;
    admin = createUser(server, 'admin', EMAIL, 'E2E Admin');
  }
  return admin;
}

/** The admin of adminUser(), signed in: its session token. */
export async function adminToken(server: RunningServer): Promise<string> {
  return signInToken(server, await adminUser(server));
}

/**
 * Changes the site's discussion settings as an admin would. Browser tests
 * all come from 127.0.0.1, so a file that posts several comments turns the
 * flood rule off (minSecondsBetweenComments: 0) instead of waiting it out.
 */
export async function updateDiscussionSettings(
  server: RunningServer,
  input: Record<string, unknown>,
): Promise<void> {
  const token = await adminToken(server);
  const data = await graphql<{ updateDiscussionSettings: { errors: unknown[] } }>(
    server,
    'mutation ($input: DiscussionSettingsInput!) { updateDiscussionSettings(input: $input) { errors { field code message } } }',
    { input },
    token,
  );
  if (data.updateDiscussionSettings.errors.length)
    throw new Error(`settings refused: ${JSON.stringify(data.updateDiscussionSettings.errors)}`);
}
