import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const EMAIL = 'never-in-logs@example.net';

describe.each(databaseKinds())("commenters' emails stay out of the logs on %s", (kind) => {
  let server: TestServer;
  let log = '';

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (log += chunk.toString()));
    server = await startServer(kind, { logStream: stream });
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
    expect(log).toContain('"url":"/graphql"');
    expect(log).not.toContain(EMAIL);
    expect(log).not.toContain(encodeURIComponent(EMAIL));
  });

  it('logs a failed statement without its parameters', async () => {
    await server.db.writer.query('DROP TABLE comments');
    const res = await submit();
    expect(res.errors?.[0]?.message).toBe('Internal server error');
    expect(log).toContain('GraphQL resolver failed');
    expect(log).toMatch(/comments/); // the log does say what failed…
    expect(log).not.toContain(EMAIL); // …but not with whose data
    expect(res.raw).not.toContain(EMAIL);
  });
});
