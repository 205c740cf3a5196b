import {
  buildClientSchema,
  getIntrospectionQuery,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type IntrospectionQuery,
  type OperationDefinitionNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_ALIASES,
  MAX_COST,
  MAX_DEPTH,
  MAX_DIRECTIVES,
  MAX_FRAGMENTS,
  MAX_TOKENS,
  measureOperation,
} from '../../src/graphql/limits.js';
import { startServer, type TestServer, quiet } from '../support/server.js';

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
    await quiet(server.counter);
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

/** `fragment F0 { site {…} }`, each next fragment spreading the one before twice: 2^(n-1) copies of F0. */
function doublingFragments(n: number): string {
  const defs = Array.from(
    { length: n },
    (_, i) =>
      `fragment F${i} on Query { ${i === 0 ? 'site { title description url }' : `...F${i - 1} ...F${i - 1}`} }`,
  );
  return `query { ...F${n - 1} }\n${defs.join('\n')}`;
}

describe('query shape limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server?.close());

  const refusedWith = async (query: string, code: string, message: RegExp) => {
    await quiet(server.counter);
    const before = server.counter.count;
    const res = await server.gql(query);
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions?.code).toBe(code);
    expect(res.errors![0]!.message).toMatch(message);
    expect(server.counter.count).toBe(before); // nothing ran
    return res;
  };

  it('measures fragments once however often they are spread (linear, not exponential)', () => {
    const doc = parse(doublingFragments(22));
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of doc.definitions)
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    const operation = doc.definitions[0] as OperationDefinitionNode;
    const measured = measureOperation(operation, fragments, {});
    // 2^21 copies of F0's four fields: the exact cost, from 1 + 21 * 2 + 4 selections looked at.
    expect(measured.cost).toBe(2 ** 21 * 4);
    expect(measured.depth).toBe(2);
    expect(measured.visited).toBe(1 + 21 * 2 + 4);
  });

  it('refuses the 22-fragment query at once with its cost, and /healthz answers meanwhile', async () => {
    const query = doublingFragments(22);
    expect(query.length).toBeLessThan(1100);
    const res = await refusedWith(
      query,
      'QUERY_TOO_COSTLY',
      new RegExp(`8388608 points, the limit is ${MAX_COST}`),
    );
    expect(res.raw.length).toBeLessThan(1000);
    // Sent together, the health check is not held up behind the refusals.
    const [health, ...refusals] = await Promise.all([
      fetch(`${server.url}/healthz`),
      ...Array.from({ length: 8 }, () => server.gql(query)),
    ]);
    expect(health.status).toBe(200);
    expect(refusals.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(
      Array(8).fill('QUERY_TOO_COSTLY'),
    );
    // 40 doublings (2^39 copies) are measured as fast; walking them would never end.
    await refusedWith(doublingFragments(40), 'QUERY_TOO_COSTLY', /points, the limit is/);
  });

  it('caps fragments, aliases and directives before measuring', async () => {
    const fragments = Array.from({ length: MAX_FRAGMENTS + 1 }, (_, i) => i);
    await refusedWith(
      `{ ${fragments.map((i) => `...G${i}`).join(' ')} }\n` +
        fragments.map((i) => `fragment G${i} on Query { __typename }`).join('\n'),
      'QUERY_TOO_MANY_FRAGMENTS',
      new RegExp(`${MAX_FRAGMENTS + 1}, the limit is ${MAX_FRAGMENTS}`),
    );
    const aliases = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `a${i}: __typename`);
    await refusedWith(
      `{ ${aliases.join(' ')} }`,
      'QUERY_TOO_MANY_ALIASES',
      new RegExp(`${MAX_ALIASES + 1}, the limit is ${MAX_ALIASES}`),
    );
    expect((await server.gql(`{ ${aliases.slice(1).join(' ')} }`)).errors).toBeUndefined();
    await refusedWith(
      `{ ${'__typename @include(if: true) '.repeat(MAX_DIRECTIVES + 1)} }`,
      'QUERY_TOO_MANY_DIRECTIVES',
      new RegExp(`${MAX_DIRECTIVES + 1}, the limit is ${MAX_DIRECTIVES}`),
    );
  });

  it('stops parsing past the token limit', async () => {
    await refusedWith(
      `{ ${'__typename '.repeat(MAX_TOKENS)} }`,
      'GRAPHQL_PARSE_FAILED',
      new RegExp(`more th\\w+ ${MAX_TOKENS} tokens`),
    );
  });

  it('refuses 1,200 aliased __schema selections (81 kB) without answering them', async () => {
    const selections = Array.from(
      { length: 1200 },
      (_, i) => `s${i}: __schema { types { name fields { name } } }`,
    );
    const query = `{ ${selections.join(' ')} }`;
    expect(query.length).toBeGreaterThan(60_000);
    const res = await refusedWith(query, 'GRAPHQL_PARSE_FAILED', /tokens/);
    expect(res.raw.length).toBeLessThan(1000);
    // Below the token limit the alias cap answers; below that, __schema's cost.
    await refusedWith(
      `{ ${selections
        .slice(0, MAX_ALIASES + 1)
        .map((s) => s.replace(' fields { name }', ''))
        .join(' ')} }`,
      'QUERY_TOO_MANY_ALIASES',
      /aliases/,
    );
    await refusedWith(
      `{ a: __schema { types { name } } b: __schema { types { name } } }`,
      'QUERY_TOO_COSTLY',
      /points/,
    );
  });

  it('answers one introspection query as graphql-codegen and GraphiQL send it', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const res = await server.gql<IntrospectionQuery>(query, {}, 'IntrospectionQuery');
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
    const schema = buildClientSchema(res.data!);
    expect(schema.getQueryType()?.getFields().posts).toBeDefined();
    // GraphiQL sends it over GET too.
    const get = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent(query)}&operationName=IntrospectionQuery`,
      { headers: { 'apollo-require-preflight': 'true' } },
    );
    expect(get.status).toBe(200);
  });
});
