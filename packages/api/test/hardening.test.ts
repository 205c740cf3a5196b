import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COST, MAX_DEPTH } from '../src/graphql/limits.js';
import { startServer, type TestServer } from './support/server.js';

// HTTP-level protections; they do not depend on the database, so SQLite only.
describe('public API hardening', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server?.close());

  const nestedReplies = (levels: number) => {
    let inner = 'id';
    for (let i = 0; i < levels; i++) inner = `id replies { edges { node { ${inner} } } }`;
    return `{ post(slug: "social-media-surgery-for-mental-health-smsmhealth") { comments { edges { node { ${inner} } } } } }`;
  };

  it('accepts the five comment levels the SPA asks for', async () => {
    const res = await server.gql(nestedReplies(4));
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it('refuses a deeply nested replies query with a clear error before running it', async () => {
    const before = server.counter.count;
    const res = await server.gql(nestedReplies(8));
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(res.errors?.[0]?.message).toMatch(new RegExp(`the limit is ${MAX_DEPTH}`));
    expect(res.data).toBeUndefined();
    expect(server.counter.count).toBe(before); // nothing ran
  });

  it('refuses a query whose page sizes multiply past the cost limit', async () => {
    const res = await server.gql(
      `{ posts(first: 100) { edges { node { title comments(first: 100) { edges { node { id authorName content } } } } } } }`,
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(res.errors?.[0]?.message).toMatch(new RegExp(`the limit is ${MAX_COST}`));
  });

  it('counts variables when measuring cost', async () => {
    const query = `query($n: Int) { posts(first: $n) { edges { node { comments(first: $n) { edges { node { id content } } } } } } }`;
    expect((await server.gql(query, { n: 5 })).errors).toBeUndefined();
    expect((await server.gql(query, { n: 100 })).errors?.[0]?.extensions?.code).toBe(
      'QUERY_TOO_COSTLY',
    );
  });

  it('refuses request bodies over the size limit', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ site { title } }`,
        variables: { pad: 'x'.repeat(200 * 1024) },
      }),
    });
    expect(res.status).toBe(413);
  });

  it('keeps CSRF prevention on: a simple cross-site GET or form POST is refused', async () => {
    const get = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('{ site { title } }')}`,
    );
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/CSRF/);
    const form = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ site { title } }' }),
    });
    expect(form.status).toBe(400);
    // With the preflight header a GET query works (for curl and CDNs).
    const ok = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('{ site { title } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { site: { title: 'Colloquy' } } });
  });

  it('answers CORS preflights for any origin, for public reads', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('does not run mutations over GET', async () => {
    const q = encodeURIComponent(
      'mutation { submitComment(input: {postId: "1", authorName: "a", authorEmail: "a@b.co", content: "x"}) { status } }',
    );
    const res = await fetch(`${server.url}/graphql?query=${q}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(405);
  });

  it('hides internals of server errors from clients', async () => {
    const broken = await startServer('sqlite');
    try {
      await broken.db.writer.query('DROP TABLE share_targets');
      const res = await broken.gql(`{ shareTargets { key } }`);
      expect(res.errors?.[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(res.raw).not.toMatch(/share_targets|SQLITE|stack/i);
    } finally {
      await broken.close();
    }
  });
});
