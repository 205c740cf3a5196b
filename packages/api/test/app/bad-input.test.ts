import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/lib/pagination.js';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { signedInUser } from '../support/editorial.js';
import { insertComment, setDiscussionSettings } from '../support/fixtures.js';
import { sendTrackback } from '../support/linkbacks.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

// Bad input found under attack: each must get a 4xx, a field error or the
// protocol's fault, never a 500, and change nothing — on both databases.

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const EMAIL = 'secret.person@example.org';

describe.each(databaseKinds())('bad input on %s', (kind) => {
  let server: TestServer;
  let editor: string;
  beforeAll(async () => {
    server = await startServer(kind);
    editor = (await signedInUser(server, 'editor@example.org', 'EDITOR')).token;
  });
  afterAll(() => server?.close());

  /** Rows that a refused request must not have added. */
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['Comment', 'IncomingPing', 'Linkback', 'Job'].map(
          async (e) => [e, await server.repo(e).count()] as const,
        ),
      ),
    );

  const badUserInput = (res: {
    status: number;
    raw: string;
    errors?: { message: string; extensions?: { code?: string } }[];
  }) => {
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.raw).not.toMatch(/INTERNAL_SERVER_ERROR/);
  };

  describe('forged pagination cursors', () => {
    const forged = [
      Buffer.from('99999999999999999999:1').toString('base64url'), // past any date
      Buffer.from('8640000000000001:1').toString('base64url'), // just past JavaScript's
      Buffer.from('-8640000000000000:1').toString('base64url'), // before PostgreSQL's
      Buffer.from(`${Date.now()}:99999999999`).toString('base64url'), // id past integer
      Buffer.from(`${Date.now()}:0`).toString('base64url'),
      encodeCursor({ time: Number.MAX_SAFE_INTEGER, id: 1 }),
    ];

    it.each(forged)('posts(after: %s) is BAD_USER_INPUT with HTTP 400', async (cursor) => {
      const res = await server.gql(`query($a: String) { posts(after: $a) { edges { cursor } } }`, {
        a: cursor,
      });
      badUserInput(res);
      expect(res.errors![0]!.message).toMatch(/Invalid cursor/);
    });

    it('is refused on comments and the moderation queue too', async () => {
      for (const cursor of forged) {
        badUserInput(
          await server.gql(
            `query($s: String!, $a: String) { post(slug: $s) { comments(after: $a) { totalCount } } }`,
            { s: SLUG, a: cursor },
          ),
        );
        badUserInput(
          await server.gqlAs(editor, `query($a: String) { comments(after: $a) { totalCount } }`, {
            a: cursor,
          }),
        );
      }
    });

    it('still pages with a real cursor', async () => {
      const cursor = encodeCursor({ time: Date.parse('2030-01-01T00:00:00Z'), id: 5 });
      const res = await server.gql<{ posts: { edges: { node: { slug: string } }[] } }>(
        `query($a: String) { posts(after: $a) { edges { node { slug } } } }`,
        { a: cursor },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.posts.edges.map((e) => e.node.slug)).toEqual([SLUG]);
    });
  });

  describe('found by fuzz.test.ts', () => {
    it('a search longer than 200 characters is BAD_USER_INPUT (SQLite refused the LIKE pattern)', async () => {
      for (const [query, name] of [
        [`query($q: String) { comments(search: $q) { totalCount } }`, 'comments'],
        [`query($q: String) { commentCounts(search: $q) { pending } }`, 'commentCounts'],
        [`query($q: String) { editorPosts(search: $q) { edges { cursor } } }`, 'editorPosts'],
      ] as const) {
        const res = await server.gqlAs(editor, query, { q: 'x'.repeat(60_000) });
        badUserInput(res);
        expect(res.errors![0]!.message, name).toMatch(/"search" can be at most 200 characters/);
        const ok = await server.gqlAs(editor, query, { q: 'x'.repeat(200) });
        expect(ok.errors, name).toBeUndefined();
      }
    });

    it('an id past the integer columns (2^31) is not found rather than a failed statement', async () => {
      const before = await counts();
      const res = await server.gqlAs<{
        moderateLinkbacks: { errors: { field: string; code: string }[] };
      }>(
        editor,
        `mutation($ids: [ID!]!) { moderateLinkbacks(ids: $ids, status: APPROVED) { errors { field code } } }`,
        { ids: ['2147483648'] },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.moderateLinkbacks.errors).toEqual([{ field: 'ids', code: 'NOT_FOUND' }]);
      const post = await server.gql<{ post: { comments: { totalCount: number } } }>(
        `query($s: String!) { post(slug: $s) { comments { totalCount } } }`,
        { s: SLUG },
      );
      expect(post.errors).toBeUndefined();
      expect(await counts()).toEqual(before);
    });

    it('more than 50 bad variable values are BAD_USER_INPUT throughout, not INTERNAL_SERVER_ERROR', async () => {
      const res = await server.gqlAs(
        editor,
        `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { errors { code } } }`,
        { input: { name: 'x', scopes: Array.from({ length: 100 }, (_, i) => `NOT_A_SCOPE_${i}`) } },
      );
      expect(res.status).toBe(400);
      expect(new Set(res.errors!.map((e) => e.extensions?.code))).toEqual(
        new Set(['BAD_USER_INPUT']),
      );
      expect(res.errors!.at(-1)!.message).toMatch(/Too many errors processing variables/);
    });
  });

  describe('NUL characters (U+0000)', () => {
    it('are refused in variables: post(slug), posts(tag), the moderation search', async () => {
      for (const [query, variables, token] of [
        [`query($s: String!) { post(slug: $s) { id } }`, { s: 'a\u0000b' }],
        [`query($t: String) { posts(tag: $t) { edges { cursor } } }`, { t: 'a\u0000b' }],
        [`query($q: String) { comments(search: $q) { totalCount } }`, { q: 'x\u0000' }, editor],
        [`query($q: String) { commentCounts(search: $q) { pending } }`, { q: '\u0000' }, editor],
        [
          `query($q: String) { editorPosts(search: $q) { edges { cursor } } }`,
          { q: '\u0000' },
          editor,
        ],
      ] as const) {
        const res = token
          ? await server.gqlAs(token, query, variables)
          : await server.gql(query, variables);
        badUserInput(res);
        expect(res.errors![0]!.message).toMatch(/^Variable "\$\w" contains a NUL character/);
      }
    });

    it('are refused in string literals of the query', async () => {
      for (const query of [
        `{ post(slug: "a\\u0000b") { id } }`,
        // A raw NUL is no GraphQL source character: a parse error.
        `{ posts(tag: """a\u0000b""") { edges { cursor } } }`,
        `query($s: String! = "\\u0000") { post(slug: $s) { id } }`,
      ]) {
        const res = await server.gql(query);
        expect(res.status).toBe(400);
        expect(res.errors?.[0]?.extensions?.code).toMatch(
          /^(BAD_USER_INPUT|GRAPHQL_PARSE_FAILED)$/,
        );
      }
      const res = await server.gql(`{ post(slug: "a\\u0000b") { id } }`);
      badUserInput(res);
      expect(res.errors![0]!.message).toMatch(/A string in the query contains a NUL character/);
    });

    it('are refused in a comment without storing it or echoing the value', async () => {
      const before = await counts();
      for (const input of [
        { authorEmail: `${EMAIL}\u0000` },
        { authorName: 'Ro\u0000sa' },
        { content: 'Hello\u0000' },
        { authorUrl: 'https://example.org/\u0000' },
        { postId: '1\u0000' },
      ]) {
        const res = await server.gql(
          `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status } }`,
          {
            input: {
              postId: '1',
              authorName: 'Rosa',
              authorEmail: EMAIL,
              content: 'A NUL test.',
              ...input,
            },
          },
        );
        badUserInput(res);
        expect(res.raw).not.toContain('secret.person');
        expect(res.raw).not.toContain('Rosa');
      }
      expect(await counts()).toEqual(before);
    });

    it('are refused in URLs: GET /graphql, /posts/:slug and every other route', async () => {
      const get = await fetch(
        `${server.url}/graphql?query=${encodeURIComponent('query($s: String!) { post(slug: $s) { id } }')}` +
          `&variables=${encodeURIComponent(JSON.stringify({ s: 'a\u0000b' }))}`,
        { headers: { 'apollo-require-preflight': 'true' } },
      );
      expect(get.status).toBe(400);
      const body = (await get.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');

      for (const path of [
        '/posts/a%00b',
        '/tag/%00',
        '/trackback/1%00',
        '/webmention/status/x%00',
      ]) {
        const res = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
        expect(res.status, path).toBe(400);
        expect(await res.text()).toMatch(/NUL character/);
      }
    });
  });

  describe('linkbacks', () => {
    const target = (slug: string) => `${TEST_PUBLIC_URL}/posts/${slug}`;
    const webmention = (body: string) =>
      fetch(`${server.url}/webmention`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const xmlrpc = async (xml: string) => {
      const res = await fetch(`${server.url}/xmlrpc`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: xml,
      });
      const raw = await res.text();
      const code = /<name>faultCode<\/name><value><int>(-?\d+)<\/int>/.exec(raw)?.[1];
      return { status: res.status, raw, faultCode: code === undefined ? null : Number(code) };
    };
    const pingbackXml = (source: string, to: string) =>
      `<?xml version="1.0"?><methodCall><methodName>pingback.ping</methodName><params>` +
      `<param><value><string>${source}</string></value></param>` +
      `<param><value><string>${to}</string></value></param></params></methodCall>`;

    it('a webmention whose target slug holds an encoded NUL is a 400', async () => {
      const before = await counts();
      const res = await webmention(
        new URLSearchParams({
          source: 'https://elsewhere.example/post',
          target: target('a%00b'),
        }).toString(),
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/not a published post/);
      // A NUL in a form field itself is refused before anything else.
      const raw = await webmention(`source=https%3A%2F%2Felsewhere.example%2F%00&target=x`);
      expect(raw.status).toBe(400);
      expect(await raw.text()).toMatch(/NUL character/);
      expect(await counts()).toEqual(before);
    });

    it('a pingback to such a target is fault 32 (no such target)', async () => {
      const before = await counts();
      const res = await xmlrpc(pingbackXml('https://elsewhere.example/post', target('a%00b')));
      expect(res.status).toBe(200);
      expect(res.faultCode).toBe(32);
      expect(await counts()).toEqual(before);
    });

    it('a trackback with a NUL in a field is error 1', async () => {
      const before = await counts();
      const res = await sendTrackback(server, '/trackback/1', {
        url: 'https://elsewhere.example/post',
        title: 'a\u0000b',
      });
      expect(res.status).toBe(200);
      expect(res.error).toBe(1);
      expect(res.message).toMatch(/NUL character/);
      expect(await counts()).toEqual(before);
    });

    it('an XML-RPC document nested 150 levels, or holding a NUL, is fault -32700', async () => {
      const deep =
        '<?xml version="1.0"?><methodCall><methodName>pingback.ping</methodName><params><param><value>' +
        '<array><data><value>'.repeat(150) +
        '<string>x</string>' +
        '</value></data></array>'.repeat(150) +
        '</value></param></params></methodCall>';
      for (const xml of [
        deep,
        pingbackXml('https://elsewhere.example/\u0000', target(SLUG)),
        pingbackXml('https://elsewhere.example/&#0;', target(SLUG)),
      ]) {
        const res = await xmlrpc(xml);
        expect(res.status).toBe(200);
        expect(res.faultCode).toBe(-32700);
        expect(res.raw).toMatch(/<methodResponse><fault>/);
      }
    });
  });
  describe('commenter URLs', () => {
    const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
      comment { id authorUrl } errors { field code } } }`;
    let n = 0;
    const submit = (authorUrl: string) =>
      server.gql<{
        submitComment: {
          comment: { id: string; authorUrl: string | null } | null;
          errors: { field: string; code: string }[];
        };
      }>(SUBMIT, {
        input: {
          postId: '1',
          authorName: 'Url Tester',
          authorEmail: `url-${++n}@example.org`,
          content: `Comment number ${n} about URLs.`,
          authorUrl,
        },
      });
    const stored = (id: string) =>
      server.repo<CommentRow>('Comment').findOneByOrFail({ id: Number(id) });
    const inert = /^[^"'<> ]*$/;

    beforeAll(() => setDiscussionSettings(server.db, { minSecondsBetweenComments: 0 }));

    it.each([
      `http://example.org/"><script>alert(1)</script>`,
      `https://example.org/" onmouseover="alert(1)"><svg onload=alert(1)>`,
      `https://example.org/${'"'.repeat(20)}<p>`, // each quote becomes %22
    ])('stores and returns %s serialized, as new URL().href', async (typed) => {
      const res = await submit(typed);
      expect(res.data!.submitComment.errors).toEqual([]);
      const { id, authorUrl } = res.data!.submitComment.comment!;
      expect(authorUrl).toBe(new URL(typed).href);
      expect(authorUrl).toMatch(inert);
      expect((await stored(id)).authorUrl).toBe(authorUrl);
    });

    // Such a URL used to be stored as typed, quotes and all.
    it('measures the limit on the serialized form: TOO_LONG, nothing stored', async () => {
      const typed = `https://example.org/${'"'.repeat(50)}${'p'.repeat(100)}`;
      expect(typed.length).toBeLessThanOrEqual(200);
      expect(new URL(typed).href.length).toBeGreaterThan(200);
      const before = await server.repo('Comment').count();
      const res = await submit(typed);
      expect(res.data!.submitComment).toEqual({
        comment: null,
        errors: [{ field: 'authorUrl', code: 'TOO_LONG' }],
      });
      expect(await server.repo('Comment').count()).toBe(before);
      for (const bad of [
        'javascript:alert(1)',
        'data:text/html,<script>',
        'https://u:p@example.org/',
      ]) {
        expect((await submit(bad)).data!.submitComment.errors).toEqual([
          { field: 'authorUrl', code: 'INVALID_URL' },
        ]);
      }
    });

    it('returns a URL stored as typed before this rule serialized, and a non-http one as null', async () => {
      const raw = `https://example.org/" onmouseover="alert(1)"><svg onload=alert(1)>`;
      const asTyped = await insertComment(server.db, {
        postId: 1,
        createdAt: new Date(),
        authorUrl: raw,
      });
      const bogus = await insertComment(server.db, {
        postId: 1,
        createdAt: new Date(),
        authorUrl: 'javascript:alert(1)',
      });
      const res = await server.gql<{
        post: { comments: { edges: { node: { id: string; authorUrl: string | null } }[] } };
      }>(
        `query($s: String!) { post(slug: $s) { comments(first: 100) { edges { node { id authorUrl } } } } }`,
        {
          s: SLUG,
        },
      );
      const urls = new Map(res.data!.post.comments.edges.map((e) => [e.node.id, e.node.authorUrl]));
      expect(urls.get(String(asTyped.id))).toBe(new URL(raw).href);
      expect(urls.get(String(bogus.id))).toBeNull();
    });
  });
});
