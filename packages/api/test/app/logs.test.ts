import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLog, databaseKinds, startServer, type TestServer } from '../support/server.js';

const EMAIL = 'never-in-logs@example.net';

describe.each(databaseKinds())("commenters' emails stay out of the logs on %s", (kind) => {
  let server: TestServer;
  const captured = capturedLog();

  beforeAll(async () => {
    server = await startServer(kind, { logStream: captured.stream });
  });
  afterAll(() => server?.close());

  const submit = () =>
    server.gql(
      `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status errors { code } } }`,
      { input: { postId: '1', authorName: 'Quiet', authorEmail: EMAIL, content: 'Hello' } },
    );

  it('logs requests by path, without query strings that could carry variables', async () => {
    const variables = encodeURIComponent(JSON.stringify({ input: { authorEmail: EMAIL } }));
    const res = await fetch(
      `${server.url}/graphql?query=mutation%7B__typename%7D&variables=${variables}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(res.status).toBe(405);
    expect(captured.text()).toContain('"path":"/graphql"');
    expect(captured.text()).not.toContain(EMAIL);
    expect(captured.text()).not.toContain(encodeURIComponent(EMAIL));
  });

  it('logs a failed statement without its parameters', async () => {
    // CASCADE on PostgreSQL: other tables' foreign keys name it (reply subscriptions).
    await server.db.writer.query(
      server.db.kind === 'postgres' ? 'DROP TABLE comments CASCADE' : 'DROP TABLE comments',
    );
    const res = await submit();
    expect(res.errors?.[0]?.message).toBe('Internal server error');
    expect(captured.text()).toContain('GraphQL resolver failed');
    // Logged under the request's id, beside the request's own line.
    const lines = captured
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg?: string; reqId?: string; path?: string });
    const failed = lines.filter((l) => l.msg === 'GraphQL resolver failed');
    expect(failed.length).toBeGreaterThan(0);
    const ids = new Set(lines.filter((l) => l.msg === 'request').map((l) => l.reqId));
    for (const line of failed) expect(ids.has(line.reqId), JSON.stringify(line)).toBe(true);
    expect(captured.text()).toMatch(/comments/); // the log does say what failed…
    expect(captured.text()).not.toContain(EMAIL); // …but not with whose data
    expect(res.raw).not.toContain(EMAIL);
  });
});
