import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/lib/pagination.js';
import { signedInUser } from './support/editorial.js';
import { databaseKinds, startServer, type TestServer } from './support/server.js';

// Bad input found under attack: each must get a 4xx, a field error or the
// protocol's fault, never a 500, and change nothing — on both databases.

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

describe.each(databaseKinds())('bad input on %s', (kind) => {
  let server: TestServer;
  let editor: string;
  beforeAll(async () => {
    server = await startServer(kind);
    editor = (await signedInUser(server, 'editor@example.org', 'EDITOR')).token;
  });
  afterAll(() => server?.close());

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
});
