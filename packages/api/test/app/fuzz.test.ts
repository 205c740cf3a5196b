import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  parse,
  validate,
  type GraphQLField,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser } from '../support/editorial.js';
import {
  goodValue,
  pathTo,
  positions,
  seededRandom,
  valuesFor,
  type Position,
} from '../support/fuzz.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

// Malformed input at every public argument and input field (read from the
// schema, so new ones are covered without touching this file) and every
// public route: never a 5xx, never INTERNAL_SERVER_ERROR. Seeded and bounded:
// the same requests, in the same order, on every run.

const SEED = 20260701;
const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const schema = buildSchema(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8'),
);

interface Answer {
  status: number;
  raw: string;
}

/** A failure, or null: any 5xx, or INTERNAL_SERVER_ERROR anywhere in the answer. */
function problem(what: string, answer: Answer): string | null {
  if (answer.status >= 500 || /INTERNAL_SERVER_ERROR/.test(answer.raw)) {
    return `${what} → ${answer.status} ${answer.raw.slice(0, 200)}`;
  }
  return null;
}

/** A selection for a field's result: nothing for leaves, __typename otherwise. */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
}

/** Sets `value` at `inputPath` inside a copy of `base` (creating objects on the way). */
function withValueAt(base: unknown, inputPath: string[], value: unknown): unknown {
  if (inputPath.length === 0) return value;
  const [head, ...rest] = inputPath;
  const object =
    base && typeof base === 'object' && !Array.isArray(base)
      ? { ...(base as Record<string, unknown>) }
      : {};
  object[head!] = withValueAt(object[head!], rest, value);
  return object;
}

/** The operation that calls `position`'s field with a variable in each argument. */
function operationFor(position: Position): {
  query: string;
  base: Record<string, unknown>;
} | null {
  const { field, parent } = position;
  const isMutation = parent === schema.getMutationType();
  const chain =
    isMutation || parent === schema.getQueryType()
      ? { open: '', close: '' }
      : pathTo(schema, parent, SLUG);
  if (!chain) return null;
  const defs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const call = `${field.name}(${args})${selectionOf(field)}`;
  const query = `${isMutation ? 'mutation' : 'query'} Fuzz(${defs}) { ${chain.open}${call}${chain.close} }`;
  // The operation itself must be valid, or every fuzzed value would only test validation.
  if (validate(schema, parse(query)).length > 0) return null;
  const base: Record<string, unknown> = {};
  for (const a of field.args) {
    if (isNonNullType(a.type) || isInputObjectType(getNamedType(a.type)))
      base[a.name] = goodValue(a.type, a.name, SLUG);
  }
  return { query, base };
}

/** GraphQL source text for a JSON value, for inline literals (strings, numbers, booleans, null). */
function literal(value: unknown, enumType: boolean): string | null {
  if (typeof value === 'string')
    return enumType && /^\w+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return null;
}

describe.each(databaseKinds())('fuzzing on %s', (kind) => {
  let server: TestServer;
  let admin: string;
  let sent = 0;

  beforeAll(async () => {
    server = await startServer(kind, {
      configure: (config) => {
        config.jobs.worker = false; // no background fetches of fuzzed URLs
      },
    });
    admin = (await signedInUser(server, 'fuzz-admin@example.org', 'ADMIN')).token;
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = async (
    body: string | Uint8Array<ArrayBuffer>,
    headers: Record<string, string>,
    route = '/graphql',
  ) => {
    sent++;
    const res = await fetch(`${server.url}${route}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Blob([body]),
    });
    return { status: res.status, raw: await res.text() };
  };
  const get = async (route: string, headers: Record<string, string> = {}) => {
    sent++;
    const res = await fetch(`${server.url}${route}`, { headers });
    return { status: res.status, raw: await res.text() };
  };
  const gql = (query: string, variables: unknown, token?: string) =>
    post(JSON.stringify({ query, variables }), {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    });

  // Subscriptions are not served over HTTP: test/live/fuzz.test.ts fuzzes them over WebSocket.
  const all = positions(schema).filter((p) => p.parent !== schema.getSubscriptionType());
  const queries = all.filter((p) => p.parent !== schema.getMutationType());
  const mutations = all.filter((p) => p.parent === schema.getMutationType());

  it('enumerates the schema: every argument and input field is a position', () => {
    expect(all.map((p) => p.label)).toEqual(
      expect.arrayContaining([
        'Query.post(slug)',
        'Query.posts(after)',
        'Comment.replies(first)',
        'Mutation.submitComment(input.authorEmail)',
        'Mutation.updateSite(publicUrl)',
      ]),
    );
    expect(all.length).toBeGreaterThan(100);
  });

  // Reads first (as a reader and as an admin), then writes: a fuzzed write may
  // change what later requests reach, never whether they get a 5xx.
  for (const [group, list] of [
    ['query', queries],
    ['mutation', mutations],
  ] as const) {
    it(`every ${group} argument and input field, in variables and inline`, async () => {
      const problems: string[] = [];
      const random = seededRandom(SEED + (group === 'query' ? 0 : 1));
      for (const position of list) {
        const op = operationFor(position);
        if (!op) {
          problems.push(`${position.label}: no valid operation reaches it`);
          continue;
        }
        const enumType = isEnumType(getNamedType(position.type));
        for (const { label, value } of valuesFor(position.type, position.arg.name, random)) {
          const variables = {
            ...op.base,
            [position.arg.name]: withValueAt(op.base[position.arg.name], position.inputPath, value),
          };
          const what = `${position.label} = ${label}`;
          for (const token of group === 'query' ? [undefined, admin] : [admin]) {
            const p = problem(
              `${what}${token ? ' (admin)' : ''}`,
              await gql(op.query, variables, token),
            );
            if (p) problems.push(p);
          }
          // The same value written into the query, where it can be a literal.
          const text = position.inputPath.length === 0 ? literal(value, enumType) : null;
          if (text !== null && text.length < 70_000) {
            const inline = op.query
              .replace(`, $${position.arg.name}: ${position.arg.type.toString()}`, '')
              .replace(`$${position.arg.name}: ${position.arg.type.toString()}, `, '')
              .replace(`($${position.arg.name}: ${position.arg.type.toString()})`, '')
              .replace(
                `${position.arg.name}: $${position.arg.name}`,
                `${position.arg.name}: ${text}`,
              );
            const p = problem(`${what} (inline)`, await gql(inline, op.base, admin));
            if (p) problems.push(p);
          }
        }
      }
      expect(problems).toEqual([]);
    }, 240_000);
  }

  it('malformed GraphQL requests over POST and GET', async () => {
    const problems: string[] = [];
    const json = { 'content-type': 'application/json' };
    const bodies: [string, string | Uint8Array<ArrayBuffer>, Record<string, string>][] = [
      ['truncated JSON', '{"query": "{ site { title } }"', json],
      ['JSON null', 'null', json],
      ['JSON string', '"{ site { title } }"', json],
      ['JSON number', '12', json],
      ['empty body', '', json],
      ['batch', JSON.stringify([{ query: '{ site { title } }' }]), json],
      ['query is a number', JSON.stringify({ query: 1 }), json],
      ['query is an object', JSON.stringify({ query: { a: 1 } }), json],
      [
        'variables is a string',
        JSON.stringify({ query: '{ site { title } }', variables: 'x' }),
        json,
      ],
      [
        'variables is a list',
        JSON.stringify({ query: '{ site { title } }', variables: [1] }),
        json,
      ],
      [
        'operationName is an object',
        JSON.stringify({ query: '{ site { title } }', operationName: {} }),
        json,
      ],
      [
        'unknown operationName',
        JSON.stringify({ query: '{ site { title } }', operationName: 'Nope' }),
        json,
      ],
      [
        'persisted query garbage',
        JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } }),
        json,
      ],
      [
        'extensions garbage',
        JSON.stringify({ query: '{ site { title } }', extensions: 'x' }),
        json,
      ],
      [
        'deeply nested JSON',
        `{"query":"{ site { title } }","variables":{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
        json,
      ],
      [
        'invalid UTF-8',
        new Uint8Array([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        json,
      ],
      ['raw NUL in the query', JSON.stringify({ query: '{ post(slug: "a\u0000") { id } }' }), json],
      [
        'lone surrogate in the query',
        JSON.stringify({ query: '{ post(slug: "\uD800") { id } }' }),
        json,
      ],
      ['garbage query', JSON.stringify({ query: '}}}{{{ ))) @@@' }), json],
      [
        '200 kB body',
        JSON.stringify({ query: '{ site { title } }', variables: { x: 'y'.repeat(200_000) } }),
        json,
      ],
      ['text/plain', '{"query":"{ site { title } }"}', { 'content-type': 'text/plain' }],
      ['no content type', '{"query":"{ site { title } }"}', {}],
      ['XML', '<query/>', { 'content-type': 'application/xml' }],
      [
        'form',
        'query=%7B+site+%7B+title+%7D+%7D',
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      ['multipart', '--b\r\n\r\nx\r\n--b--', { 'content-type': 'multipart/form-data; boundary=b' }],
      [
        'JSON with odd charset',
        '{"query":"{ site { title } }"}',
        { 'content-type': 'application/json; charset=utf-16' },
      ],
      ['graphql content type', '{ site { title } }', { 'content-type': 'application/graphql' }],
    ];
    for (const [label, body, headers] of bodies) {
      const p = problem(`POST /graphql ${label}`, await post(body, headers));
      if (p) problems.push(p);
    }
    const preflight = { 'apollo-require-preflight': 'true' };
    for (const query of [
      'query=%7B',
      'query=%7B+site+%7B+title+%7D+%7D&variables=not-json',
      'query=%7B+site+%7B+title+%7D+%7D&variables=%5B1%5D',
      'query=%7B+site+%7B+title+%7D+%7D&extensions=%7B',
      'query=mutation+%7B+signOut+%7B+signedOut+%7D+%7D',
      'query=%7B+site+%7B+title+%7D+%7D&query=%7B+site+%7B+url+%7D+%7D',
      `query=${'%7B'.repeat(3_000)}`,
      'query=%FF%FE',
      `variables=${encodeURIComponent('{"a":1}')}`,
      '',
    ]) {
      const p = problem(
        `GET /graphql?${query.slice(0, 60)}`,
        await get(`/graphql?${query}`, preflight),
      );
      if (p) problems.push(p);
    }
    expect(problems).toEqual([]);
  });

  it('malformed requests to the page, linkback and other routes', async () => {
    const problems: string[] = [];
    const before = sent;
    const random = seededRandom(SEED + 2);
    const slugs = [
      '%FF',
      '%E0%A4%A',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e',
      'x'.repeat(5_000),
      '%C0%AF',
      'a;b',
      '%20',
      '\u00e9',
      'a%2Fb',
      '.',
      '%25',
      '%ED%A0%BD' /* a lone surrogate, UTF-8 encoded */,
      `${SLUG}/`,
      SLUG.toUpperCase(),
    ];
    const html = { accept: 'text/html' };
    for (const slug of slugs) {
      for (const route of [`/posts/${slug}`, `/tag/${slug}`, `/webmention/status/${slug}`]) {
        const p = problem(`GET ${route.slice(0, 60)}`, await get(route, html));
        if (p) problems.push(p);
      }
    }
    for (const route of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%00',
      '/healthz?x=%FF',
      `/${'a'.repeat(8_000)}`,
      '/posts/',
      '/posts',
      '//graphql',
      '/graphql/',
    ]) {
      const p = problem(`GET ${route.slice(0, 60)}`, await get(route, html));
      if (p) problems.push(p);
    }

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const formBodies = [
      '',
      '=',
      '&&&',
      'url',
      'url=%',
      'url=%ZZ',
      'url=%FF%FE',
      'url=http%3A%2F%2F127.0.0.1%3A9%2F',
      `url=${'a'.repeat(90_000)}`,
      'url=javascript:alert(1)&title=%00',
      'charset=x-nonsense&url=a',
      'charset=utf-16&url=%FF%FE',
      'source=&target=',
      'source=http%3A%2F%2F127.0.0.1%3A9%2F&target=%2E%2E',
      `source=http%3A%2F%2F127.0.0.1%3A9%2F&target=${encodeURIComponent(`${TEST_PUBLIC_URL}/posts/%FF`)}`,
      `source=http%3A%2F%2F127.0.0.1%3A9%2F&target=${encodeURIComponent(`${TEST_PUBLIC_URL}/posts/${SLUG}`)}`,
      `target=${encodeURIComponent(`${TEST_PUBLIC_URL}/posts/..%2F..`)}&source=ftp%3A%2F%2Fx`,
    ];
    const contentTypes = [
      form,
      { 'content-type': 'application/json' },
      { 'content-type': 'text/xml' },
      { 'content-type': 'application/x-www-form-urlencoded; charset=shift_jis' },
      {},
    ];
    for (const id of ['1', '0', '-1', '1e3', '99999999999999999999', 'abc', '%FF', '..%2F1']) {
      for (const body of formBodies) {
        const headers = contentTypes[Math.floor(random() * contentTypes.length)]!;
        const p = problem(
          `POST /trackback/${id} ${body.slice(0, 40)}`,
          await post(body, headers, `/trackback/${id}`),
        );
        if (p) problems.push(p);
      }
    }
    for (const body of formBodies) {
      for (const headers of contentTypes.slice(0, 2)) {
        const p = problem(
          `POST /webmention ${body.slice(0, 40)}`,
          await post(body, headers, '/webmention'),
        );
        if (p) problems.push(p);
      }
    }

    const call = (method: string, params: string) =>
      `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
    const param = (value: string) => `<param><value>${value}</value></param>`;
    const str = (s: string) => param(`<string>${s}</string>`);
    const target = `${TEST_PUBLIC_URL}/posts/${SLUG}`;
    const xmlBodies = [
      '',
      'not xml',
      '<',
      '<methodCall>',
      '<?xml version="1.0"?>',
      '<a/><b/>',
      '\uFEFF<methodCall/>',
      '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><methodCall>&b;</methodCall>',
      call('pingback.ping', ''),
      call('', ''),
      call('system.listMethods', ''),
      call('x'.repeat(50_000), ''),
      call('pingback.ping', str('http://127.0.0.1:9/') + str(target) + str('extra')),
      call('pingback.ping', param('<int>1</int>') + param('<int>2</int>')),
      call('pingback.ping', param('<int>nope</int>') + str(target)),
      call('pingback.ping', param('<double>1e999</double>') + str(target)),
      call(
        'pingback.ping',
        param('<struct><member><name>a</name></member></struct>') + str(target),
      ),
      call(
        'pingback.ping',
        param('<array><data>' + '<value><i4>1</i4></value>'.repeat(2_000) + '</data></array>') +
          str(target),
      ),
      call(
        'pingback.ping',
        param('<base64>!!!</base64>') + param('<dateTime.iso8601>x</dateTime.iso8601>'),
      ),
      call('pingback.ping', param('<unknown>1</unknown>') + str(target)),
      call(
        'pingback.ping',
        str('<![CDATA[http://127.0.0.1:9/]]>') + str(`${TEST_PUBLIC_URL}/posts/%FF`),
      ),
      call(
        'pingback.ping',
        str('http://127.0.0.1:9/') + str(`${TEST_PUBLIC_URL}/posts/..%2F..%2Fx`),
      ),
      call(
        'pingback.ping',
        str('http://127.0.0.1:9/') + str(`${TEST_PUBLIC_URL}/posts/${'a'.repeat(3_000)}`),
      ),
      call('pingback.ping', str('&#xD800;') + str('&#1114112;')),
      call('pingback.ping', `<param><value>${'<array><data><value>'.repeat(40)}`),
      `<methodCall a="${'x'.repeat(80_000)}"/>`,
    ];
    for (const body of xmlBodies) {
      for (const headers of [
        { 'content-type': 'text/xml' },
        { 'content-type': 'text/xml; charset=nonsense' },
        form,
      ]) {
        const p = problem(
          `POST /xmlrpc ${body.slice(0, 50)}`,
          await post(body, headers, '/xmlrpc'),
        );
        if (p) problems.push(p);
      }
    }
    for (const [method, route] of [
      ['PUT', '/xmlrpc'],
      ['DELETE', '/webmention'],
      ['PATCH', '/trackback/1'],
      ['PUT', '/graphql'],
      ['DELETE', `/posts/${SLUG}`],
      ['OPTIONS', '/xmlrpc'],
    ] as const) {
      sent++;
      const res = await fetch(`${server.url}${route}`, { method });
      const p = problem(`${method} ${route}`, { status: res.status, raw: await res.text() });
      if (p) problems.push(p);
    }
    expect(problems).toEqual([]);
    expect(sent - before).toBeGreaterThan(300);
  }, 120_000);
});
