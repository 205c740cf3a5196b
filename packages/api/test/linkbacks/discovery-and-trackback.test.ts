import { describe, expect, it } from 'vitest';
import {
  approveAll,
  linkbackRows,
  publicLinkbacks,
  receivingLinkbacks,
  sendTrackback,
  sourcePage,
} from '../support/linkbacks.js';
import { databaseKinds, TEST_PUBLIC_URL } from '../support/server.js';

describe.each(databaseKinds())('receiving linkbacks on %s', (kind) => {
  const env = receivingLinkbacks(kind);
  const { newPost, servePage } = env;

  describe('discovery', () => {
    it('gives each post its trackback URL in the API', async () => {
      const { post } = await newPost();
      const res = await env.server.gql<{ post: { trackbackUrl: string } }>(
        'query($slug: String!) { post(slug: $slug) { trackbackUrl } }',
        { slug: post.slug },
      );
      expect(res.data!.post.trackbackUrl).toBe(`${TEST_PUBLIC_URL}/trackback/${post.id}`);
    });

    it('announces pingback, webmention and trackback on the post page', async () => {
      const { post, url } = await newPost({ title: 'Discover -- me' });
      const res = await fetch(`${env.server.url}/posts/${post.slug}`, {
        headers: { accept: 'text/html' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-pingback')).toBe(`${TEST_PUBLIC_URL}/xmlrpc`);
      expect(res.headers.get('link')).toBe(`<${TEST_PUBLIC_URL}/webmention>; rel="webmention"`);
      const body = await res.text();
      expect(body).toContain(`<link rel="pingback" href="${TEST_PUBLIC_URL}/xmlrpc">`);
      expect(body).toContain(`<link rel="webmention" href="${TEST_PUBLIC_URL}/webmention">`);
      const rdf = /<!--\s*(<rdf:RDF[\s\S]*?<\/rdf:RDF>)\s*-->/.exec(body)?.[1];
      expect(rdf).toBeDefined();
      expect(rdf).toContain(`rdf:about="${url}"`);
      expect(rdf).toContain(`trackback:ping="${TEST_PUBLIC_URL}/trackback/${post.id}"`);
      // A title with "--" cannot end the comment early.
      expect(rdf).toContain('dc:title="Discover -&#45; me"');
    });

    it('announces nothing for a missing post', async () => {
      const res = await fetch(`${env.server.url}/posts/no-such-post`, {
        headers: { accept: 'text/html' },
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-pingback')).toBeNull();
    });
  });

  describe('Trackback', () => {
    it('records a verified trackback as PENDING, shows it once approved, as plain text', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ title: 'Their page', targets: [url] }));
      const answer = await sendTrackback(env.server, `/trackback/${post.id}`, {
        url: source,
        title: '<b>Bold</b> claims',
        excerpt: 'An excerpt <script>alert(1)</script>with markup',
        blog_name: 'Their Blog',
      });
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^text\/xml/);
      expect(answer.raw).toBe(
        '<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>0</error>\n</response>\n',
      );
      const [row] = await linkbackRows(env.server.db, post.id);
      expect(row).toMatchObject({
        kind: 'TRACKBACK',
        status: 'PENDING',
        sourceUrl: source,
        title: 'Bold claims',
        excerpt: 'An excerpt with markup',
        blogName: 'Their Blog',
      });
      expect(await publicLinkbacks(env.server, post.slug)).toEqual([]);

      await approveAll(env.server.db, post.id);
      const [shown] = await publicLinkbacks(env.server, post.slug);
      expect(shown).toMatchObject({
        kind: 'TRACKBACK',
        mentionType: 'MENTION',
        sourceUrl: source,
        title: 'Bold claims',
        excerpt: 'An excerpt with markup',
        blogName: 'Their Blog',
        author: null,
      });
    });

    it('falls back to the source page for a missing title and excerpt', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ title: 'Page title', targets: [url] }));
      expect(
        (await sendTrackback(env.server, `/trackback/${post.id}`, { url: source })).error,
      ).toBe(0);
      const [row] = await linkbackRows(env.server.db, post.id);
      expect(row!.title).toBe('Page title');
      expect(row!.excerpt).toBe('I read this post and liked it.');
    });

    it('decodes the form in the charset named by the header or a charset field', async () => {
      const { post, url } = await newPost();
      const first = servePage(sourcePage({ targets: [url] }));
      const second = servePage(sourcePage({ targets: [url] }));
      const latin1 = (fields: string) => fields; // already percent-encoded ISO-8859-1 bytes
      expect(
        (
          await sendTrackback(
            env.server,
            `/trackback/${post.id}`,
            latin1(`url=${encodeURIComponent(first)}&title=Caf%E9&blog_name=M%FCller`),
            'application/x-www-form-urlencoded; charset=ISO-8859-1',
          )
        ).error,
      ).toBe(0);
      expect(
        (
          await sendTrackback(
            env.server,
            `/trackback/${post.id}`,
            `url=${encodeURIComponent(second)}&title=Caf%E9&charset=iso-8859-1`,
          )
        ).error,
      ).toBe(0);
      const rows = await linkbackRows(env.server.db, post.id);
      expect(rows.map((r) => r.title)).toEqual(['Café', 'Café']);
      expect(rows[0]!.blogName).toBe('Müller');
    });

    it('answers each problem with <error>1</error> and a message, storing nothing', async () => {
      const { post, url } = await newPost();
      const closed = await newPost({ pingsOpen: false });
      const draft = await newPost({ status: 'DRAFT' });
      const linking = servePage(sourcePage({ targets: [url, closed.url] }));
      const notLinking = servePage(sourcePage({ targets: ['https://elsewhere.example/'] }));
      const cases: [string, Record<string, string>, string][] = [
        ['/trackback/99999', { url: linking }, 'There is no such post.'],
        ['/trackback/abc', { url: linking }, 'There is no such post.'],
        [`/trackback/${draft.post.id}`, { url: linking }, 'There is no such post.'],
        [`/trackback/${post.id}`, { title: 'no url' }, 'The url parameter is required.'],
        [
          `/trackback/${post.id}`,
          { url: 'javascript:alert(1)' },
          'The url must be an http:// or https:// URL.',
        ],
        [`/trackback/${closed.post.id}`, { url: linking }, 'Pings are closed on this post.'],
        [`/trackback/${post.id}`, { url: notLinking }, 'The source does not link to the target.'],
        [
          `/trackback/${post.id}`,
          { url: `${env.site.origin}/missing` },
          'The source answered HTTP 404.',
        ],
      ];
      for (const [path, fields, message] of cases) {
        const answer = await sendTrackback(env.server, path, fields);
        expect(answer.status).toBe(200);
        expect(answer.raw).toBe(
          `<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>1</error>\n<message>${message}</message>\n</response>\n`,
        );
      }
      expect(await linkbackRows(env.server.db, post.id)).toEqual([]);
      expect(await linkbackRows(env.server.db, closed.post.id)).toEqual([]);
    });

    it('refuses a second ping from the same URL', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [url] }));
      expect(
        (await sendTrackback(env.server, `/trackback/${post.id}`, { url: source })).error,
      ).toBe(0);
      const again = await sendTrackback(env.server, `/trackback/${post.id}`, { url: source });
      expect(again.error).toBe(1);
      expect(again.message).toBe('A ping from this source is already recorded for this post.');
      expect(await linkbackRows(env.server.db, post.id)).toHaveLength(1);
    });

    it('answers GET with 405', async () => {
      const { post } = await newPost();
      const res = await fetch(`${env.server.url}/trackback/${post.id}`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    });
  });
});
