import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSISTED_QUERY_CACHE_CHARS } from '../../src/graphql/server-options.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

// Automatic persisted queries over real HTTP, as Apollo Client's
// persisted-queries link uses them (packages/web/src/lib/persisted-queries.ts):
// GET with the query's SHA-256 only; on PERSISTED_QUERY_NOT_FOUND the query
// once in full (a POST); from then on the hash alone.

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const POST_QUERY = `query PostTitle($slug: String!) { post(slug: $slug) { title commentCount comments(first: 5) { edges { node { authorName } } } } }`;
const VARIABLES = { slug: SLUG };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

/** The header Apollo Client sends on every request, GET included: it satisfies CSRF prevention. */
const CLIENT_HEADERS = { 'content-type': 'application/json' };

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  json: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  return {
    status: res.status,
    text,
    headers: res.headers,
    json: JSON.parse(text) as Answer['json'],
  };
}

/** GET /graphql with the given parameters (objects as JSON), as a client would build it. */
async function get(
  server: TestServer,
  params: {
    query?: string;
    operationName?: string;
    variables?: unknown;
    extensions?: unknown;
  },
  headers: Record<string, string> = CLIENT_HEADERS,
): Promise<Answer> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined)
      search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return answer(await fetch(`${server.url}/graphql?${search}`, { headers }));
}

async function post(server: TestServer, body: unknown): Promise<Answer> {
  return answer(
    await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: CLIENT_HEADERS,
      body: JSON.stringify(body),
    }),
  );
}

const notFound = (a: Answer) => {
  expect(a.status).toBe(200);
  expect(a.json).toEqual({
    errors: [
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ],
  });
  // Not kept by a browser or CDN: the next request, after registering, gets the data.
  expect(a.headers.get('cache-control')).toBe('private, no-cache, must-revalidate');
};

describe.each(databaseKinds())('automatic persisted queries (%s)', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    // The response cache off: this is Apollo's protocol on its own (its cache's bound, its refusals).
    server = await startServer(kind, { env: { COLLOQUY_CACHE: 'off' } });
  });
  afterAll(() => server?.close());

  it('round trip: unknown hash, then the query registers it, then the hash alone answers', async () => {
    const hash = sha256(POST_QUERY);
    const byHash = {
      operationName: 'PostTitle',
      variables: VARIABLES,
      extensions: persisted(hash),
    };

    // Nothing is looked up or run for an unknown hash.
    let first: Answer | undefined;
    expect(await server.countQueries(async () => (first = await get(server, byHash)))).toBe(0);
    notFound(first!);

    // The retry Apollo Client makes: the query in full, with its hash, as a POST.
    const registered = await post(server, { ...byHash, query: POST_QUERY });
    expect(registered.status).toBe(200);
    const expected = {
      data: {
        post: {
          title: 'Social media surgery for mental health #smsmhealth',
          commentCount: 1,
          comments: { edges: [{ node: { authorName: 'Sam Hughes' } }] },
        },
      },
    };
    expect(registered.json).toEqual(expected);

    const hit = await get(server, byHash);
    expect(hit.status).toBe(200);
    expect(hit.json).toEqual(expected);
    // The same answer, byte for byte, as a plain POST of the query.
    const plain = await post(server, { query: POST_QUERY, variables: VARIABLES });
    expect(hit.text).toBe(plain.text);
    for (const header of ['content-type', 'content-length', 'cache-control', 'vary'])
      expect(hit.headers.get(header), header).toBe(plain.headers.get(header));

    // Other variables, the same stored query.
    const other = await get(server, { ...byHash, variables: { slug: 'no-such-post' } });
    expect(other.json).toEqual({ data: { post: null } });
  });

  it('registers a query sent in full over GET too (what a third party without POST can do)', async () => {
    const query = '{ site { title } }';
    const hash = sha256(query);
    notFound(await get(server, { extensions: persisted(hash) }));
    const registered = await get(server, { query, extensions: persisted(hash) });
    expect(registered.json).toEqual({ data: { site: { title: 'Colloquy' } } });
    expect((await get(server, { extensions: persisted(hash) })).json).toEqual(registered.json);
  });

  it('refuses a hash that is not the query’s (400) and stores nothing under it', async () => {
    const query = '{ site { url } }';
    const wrong = sha256('{ site { title url } }');
    for (const send of [
      () => get(server, { query, extensions: persisted(wrong) }),
      () => post(server, { query, extensions: persisted(wrong) }),
    ]) {
      const refused = await send();
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        errors: [
          { message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } },
        ],
      });
    }
    notFound(await get(server, { extensions: persisted(wrong) }));
    notFound(await get(server, { extensions: persisted(sha256(query)) }));
  });

  it('answers malformed persisted-query extensions with 4xx, never a 500', async () => {
    const hash = sha256('{ site { title } }');
    const cases: [string, unknown][] = [
      ['version 2', { persistedQuery: { version: 2, sha256Hash: hash } }],
      ['no version', { persistedQuery: { sha256Hash: hash } }],
      ['a string', { persistedQuery: 'abc' }],
      ['null', { persistedQuery: null }],
      ['a number for the hash', { persistedQuery: { version: 1, sha256Hash: 42 } }],
      ['an object for the hash', { persistedQuery: { version: 1, sha256Hash: { a: 1 } } }],
      ['no hash', { persistedQuery: { version: 1 } }],
      ['not an object', 'persistedQuery'],
    ];
    const problems: string[] = [];
    for (const [label, extensions] of cases) {
      for (const a of [
        await get(server, { extensions }),
        await post(server, { extensions }),
        await post(server, { query: '{ site { title } }', extensions }),
      ]) {
        const fine =
          (a.status >= 400 &&
            a.status < 500 &&
            a.json.errors?.[0]?.extensions?.code !== 'INTERNAL_SERVER_ERROR') ||
          (a.status === 200 &&
            a.json.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND') ||
          (a.status === 200 && a.json.data !== undefined && a.json.errors === undefined);
        if (!fine) problems.push(`${label}: ${a.status} ${a.text}`);
      }
    }
    expect(problems).toEqual([]);
    // Apollo's own message, as a request error (it sets no code of its own).
    const v2 = await get(server, { extensions: cases[0]![1] });
    expect(v2.status).toBe(400);
    expect(v2.json).toEqual({
      errors: [
        { message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } },
      ],
    });
  });

  it('keeps CSRF prevention on for persisted GETs: no preflight-forcing header, no answer', async () => {
    const query = '{ site { title } }';
    const hash = sha256(query);
    await post(server, { query, extensions: persisted(hash) });
    const byHash = { extensions: persisted(hash) };

    // What a cross-site <img> or <script> could send: no header, or a simple content type.
    for (const headers of [{}, { 'content-type': 'text/plain' }] as Record<string, string>[]) {
      const refused = await get(server, byHash, headers);
      expect(refused.status).toBe(400);
      expect(refused.json.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
      expect(refused.json.data).toBeUndefined();
    }
    // Any one of these, which a page elsewhere can only send after a CORS preflight, is enough.
    for (const headers of [
      { 'content-type': 'application/json' },
      { 'apollo-require-preflight': 'true' },
      { 'x-apollo-operation-name': 'Site' },
    ] as Record<string, string>[]) {
      const a = await get(server, byHash, headers);
      expect(a.status, JSON.stringify(headers)).toBe(200);
      expect(a.json).toEqual({ data: { site: { title: 'Colloquy' } } });
    }
  });

  it('does not run a persisted mutation over GET (405), though the hash is known', async () => {
    const mutation = `mutation Submit($input: SubmitCommentInput!) { submitComment(input: $input) { status errors { field code } } }`;
    const hash = sha256(mutation);
    // Registered with a POST whose input a person would have to fix: nothing is stored.
    const input = { postId: '1', authorName: 'Ann', authorEmail: 'not an email', content: 'Hi' };
    const registered = await post(server, {
      query: mutation,
      variables: { input },
      extensions: persisted(hash),
    });
    expect(registered.status).toBe(200);
    expect(registered.json.errors).toBeUndefined();

    const valid = { ...input, authorEmail: 'ann@example.org' };
    const comments = async () =>
      (await server.dataSource.query('SELECT COUNT(*) AS n FROM comments')) as { n: unknown }[];
    const before = Number((await comments())[0]!.n);
    const refused = await get(server, { variables: { input: valid }, extensions: persisted(hash) });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('POST');
    expect(refused.json.errors?.[0]?.message).toBe(
      'GET requests only support query operations, not mutation operations',
    );
    expect(Number((await comments())[0]!.n)).toBe(before);
  });

  it('keeps its cache bounded: the least recently used query goes when it is full', async () => {
    // Comments are not tokens: each query is ~90,000 characters under the token limit.
    const big = (n: number) => `{ site { title } } # ${n} ${'x'.repeat(90_000)}`;
    const count = Math.ceil(PERSISTED_QUERY_CACHE_CHARS / 90_000) + 2;
    for (let n = 0; n < count; n++) {
      const query = big(n);
      const a = await post(server, { query, extensions: persisted(sha256(query)) });
      expect(a.json, `query ${n}`).toEqual({ data: { site: { title: 'Colloquy' } } });
    }
    notFound(await get(server, { extensions: persisted(sha256(big(0))) }));
    expect((await get(server, { extensions: persisted(sha256(big(count - 1))) })).json).toEqual({
      data: { site: { title: 'Colloquy' } },
    });
  });
});
