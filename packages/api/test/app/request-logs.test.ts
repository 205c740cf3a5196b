// The request log after a whole editorial flow: one JSON line per request,
// each with its request id, and never a secret or a commenter's email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../support/fixtures.js';
import { requestFrom } from '../support/nginx.js';
import { capturedLog, databaseKinds, startServer, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const ADMIN_EMAIL = 'site-admin@example.org';
const ADMIN_PASSWORD = 'plover-quagmire-tessellate-77';
const COMMENTER_EMAIL = 'commenter-private@example.net';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface LogLine {
  level: number;
  reqId?: string;
  msg: string;
  method?: string;
  path?: string;
  route?: string;
  status?: number;
  ms?: number;
  operation?: string;
}

describe.each(databaseKinds())('the request log on %s', (kind) => {
  let server: TestServer;
  const captured = capturedLog();

  beforeAll(async () => {
    // Requests from 127.0.0.1 come from a trusted proxy; from 127.0.0.2, from a visitor.
    server = await startServer(kind, {
      logStream: captured.stream,
      env: { TRUST_PROXY: '127.0.0.1' },
    });
  });
  afterAll(() => server?.close());

  const lines = (from = 0) =>
    captured
      .text()
      .slice(from)
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);

  /** The one line logged for the request `id` (it is written once the response is sent). */
  async function lineOf(id: string): Promise<LogLine> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = lines().filter((l) => l.reqId === id && l.msg === 'request');
      if (found.length > 0 || Date.now() > deadline) {
        expect(found).toHaveLength(1);
        return found[0]!;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A GraphQL POST; the parsed data and the request id the server answered with. */
  async function gql<T>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ data: T; id: string; cache: string | null }> {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return {
      data: body.data,
      id: res.headers.get('x-request-id')!,
      cache: res.headers.get('x-cache'),
    };
  }

  it('logs a whole flow as one JSON line per request, without secrets or emails', async () => {
    // Before: the start-up lines ("Server listening at …"), which belong to no request.
    const start = captured.text().length;
    await createUser(server.db, { email: ADMIN_EMAIL, role: 'ADMIN', password: ADMIN_PASSWORD });
    const signIn = await gql<{ signIn: { token: string } }>(
      `mutation SignIn($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
      { e: ADMIN_EMAIL, p: ADMIN_PASSWORD },
    );
    const session = signIn.data.signIn.token;
    expect(session).toBeTruthy();
    const asAdmin = { authorization: `Bearer ${session}` };

    const submitted = await gql<{ submitComment: { comment: { id: string } } }>(
      `mutation SubmitComment($input: SubmitCommentInput!) { submitComment(input: $input) { comment { id } } }`,
      {
        input: {
          postId: '1',
          authorName: 'Private Person',
          authorEmail: COMMENTER_EMAIL,
          content: 'A comment to moderate',
        },
      },
    );
    const commentId = submitted.data.submitComment.comment.id;
    const moderated = await gql<{ moderateComments: { errors: unknown[] } }>(
      `mutation Moderate($ids: [ID!]!) { moderateComments(ids: $ids, status: APPROVED) { errors { code } } }`,
      { ids: [commentId] },
      asAdmin,
    );
    expect(moderated.data.moderateComments.errors).toEqual([]);
    const created = await gql<{ createApiToken: { token: string } }>(
      `mutation CreateToken { createApiToken(input: { name: "ci", scopes: [MODERATE] }) { token } }`,
      {},
      asAdmin,
    );
    const apiToken = created.data.createApiToken.token;
    expect(apiToken).toBeTruthy();
    const queue = await gql<{ comments: { edges: { node: { authorEmail: string } }[] } }>(
      `query Queue { comments(first: 5) { edges { node { authorEmail } } } }`,
      {},
      { authorization: `Bearer ${apiToken}` },
    );
    // The email is in the answer to the moderator, not in the log.
    expect(queue.data.comments.edges.map((e) => e.node.authorEmail)).toContain(COMMENTER_EMAIL);

    // A public read twice: built, then answered from the response cache before GraphQL runs.
    const read = `query PostTitle($slug: String!) { post(slug: $slug) { title } }`;
    const preflight = { 'apollo-require-preflight': 'true' };
    const first = await gql(read, { slug: SLUG }, preflight);
    const second = await gql(read, { slug: SLUG }, preflight);
    expect(second.cache).toBe('hit');
    // A query string carrying the email, and a reader page.
    const query = encodeURIComponent(JSON.stringify({ email: COMMENTER_EMAIL }));
    const withQuery = await fetch(
      `${server.url}/graphql?query=%7B__typename%7D&variables=${query}`,
    );
    await withQuery.text();
    const page = await fetch(`${server.url}/posts/${SLUG}`);
    expect(page.status).toBe(200);
    await page.text();

    const ids = [signIn, submitted, moderated, created, queue, first, second].map((r) => r.id);
    ids.push(withQuery.headers.get('x-request-id')!, page.headers.get('x-request-id')!);
    // Generated ids are UUIDs, one per request.
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);

    const expected: [string, Partial<LogLine>][] = [
      [signIn.id, { method: 'POST', path: '/graphql', status: 200, operation: 'SignIn' }],
      [submitted.id, { operation: 'SubmitComment' }],
      [moderated.id, { operation: 'Moderate' }],
      [created.id, { operation: 'CreateToken' }],
      [queue.id, { operation: 'Queue' }],
      [first.id, { operation: 'PostTitle', status: 200 }],
      [second.id, { operation: 'PostTitle', status: 200 }],
      [ids[7]!, { method: 'GET', path: '/graphql', route: '/graphql' }],
      [ids[8]!, { method: 'GET', path: `/posts/${SLUG}`, route: '/posts/:slug', status: 200 }],
    ];
    for (const [id, fields] of expected) {
      const line = await lineOf(id);
      expect(line).toMatchObject({ level: 30, msg: 'request', ...fields });
      expect(line.ms).toBeTypeOf('number');
    }

    // Everything logged during the flow: JSON lines, each with a request id.
    const all = lines(start);
    expect(all.length).toBeGreaterThanOrEqual(ids.length);
    for (const line of all) expect(line.reqId, JSON.stringify(line)).toBeTypeOf('string');
    // One line per request: no "incoming request" / "request completed" pairs.
    expect(all.filter((l) => ids.includes(l.reqId!))).toHaveLength(ids.length);
    // And the whole log, start-up included: no secret, no email, no query string.
    expect(() => lines()).not.toThrow();
    for (const secret of [
      COMMENTER_EMAIL,
      encodeURIComponent(COMMENTER_EMAIL),
      ADMIN_PASSWORD,
      session,
      session.slice(-16),
      apiToken,
      apiToken.slice(-16),
      'variables=',
    ]) {
      expect(captured.text()).not.toContain(secret);
    }
  });

  it("uses a trusted proxy's X-Request-Id, and not a visitor's", async () => {
    // From 127.0.0.1, which TRUST_PROXY names: the proxy's id is kept and echoed.
    const fromProxy = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'edge-7f3a9c21' },
    });
    expect(fromProxy.headers.get('x-request-id')).toBe('edge-7f3a9c21');
    expect(await lineOf('edge-7f3a9c21')).toMatchObject({ path: '/healthz', status: 200 });

    // From a visitor's address: its header is not believed.
    const fromVisitor = await requestFrom('127.0.0.2', `${server.url}/healthz`, {
      headers: { 'x-request-id': 'visitor-chosen-id' },
    });
    const given = fromVisitor.headers['x-request-id'] as string;
    expect(given).toMatch(UUID);
    expect(await lineOf(given)).toMatchObject({ path: '/healthz', status: 200 });
    expect(captured.text()).not.toContain('visitor-chosen-id');

    // Nor is an id from the proxy that could not be an id (a space, or too long).
    for (const odd of ['two words', 'x'.repeat(129)]) {
      const res = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': odd } });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    }
  });
});
