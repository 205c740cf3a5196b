import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingPingRow, LinkbackRow } from '../../src/modules/linkbacks/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { SETTINGS } from '../../src/modules/linkbacks/messages.js';
import { insertPost } from '../support/fixtures.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import {
  approveAll,
  callXmlRpc,
  linkbackRows,
  LOOPBACK_ENV,
  publicLinkbacks,
  sendPingback,
  sendTrackback,
  sendWebmention,
  setSetting,
  settledStatus,
  sourcePage,
  webmentionSettled,
} from '../support/linkbacks.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const postUrl = (slug: string) => `${TEST_PUBLIC_URL}/posts/${slug}`;

describe.each(databaseKinds())('receiving linkbacks on %s', (kind) => {
  let server: TestServer;
  let site: FixtureSite;
  let slugs = 0;

  /** A fresh published post (pings open unless told otherwise) with its public URL. */
  async function newPost(fields: Partial<PostRow> = {}) {
    const post = await insertPost(server.db, { slug: `post-${++slugs}`, ...fields });
    return { post, url: postUrl(post.slug) };
  }

  /** Serves a source page at a fresh path on the fixture site; returns its URL. */
  let pages = 0;
  function servePage(body: string | ((path: string) => void)): string {
    const path = `/source-${++pages}`;
    if (typeof body === 'string') site.route(path, html(body));
    else body(path);
    return `${site.origin}${path}`;
  }

  beforeAll(async () => {
    server = await startServer(kind, {
      env: LOOPBACK_ENV,
      configure: (c) => {
        c.jobs.pollIntervalMs = 50;
      },
    });
    site = await startFixtureSite();
  });
  afterAll(async () => {
    await site?.close();
    await server?.close();
  });
  beforeEach(async () => {
    // Every fixture source lives on 127.0.0.1: keep the per-host limit out of the way.
    await setSetting(server.db, SETTINGS.maxPerHostPerHour, '10000');
    await setSetting(server.db, SETTINGS.autoApprove, 'false');
  });

  describe('discovery', () => {
    it('gives each post its trackback URL in the API', async () => {
      const { post } = await newPost();
      const res = await server.gql<{ post: { trackbackUrl: string } }>(
        'query($slug: String!) { post(slug: $slug) { trackbackUrl } }',
        { slug: post.slug },
      );
      expect(res.data!.post.trackbackUrl).toBe(`${TEST_PUBLIC_URL}/trackback/${post.id}`);
    });

    it('announces pingback, webmention and trackback on the post page', async () => {
      const { post, url } = await newPost({ title: 'Discover -- me' });
      const res = await fetch(`${server.url}/posts/${post.slug}`, {
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
      const res = await fetch(`${server.url}/posts/no-such-post`, {
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
      const answer = await sendTrackback(server, `/trackback/${post.id}`, {
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
      const [row] = await linkbackRows(server.db, post.id);
      expect(row).toMatchObject({
        kind: 'TRACKBACK',
        status: 'PENDING',
        sourceUrl: source,
        title: 'Bold claims',
        excerpt: 'An excerpt with markup',
        blogName: 'Their Blog',
      });
      expect(await publicLinkbacks(server, post.slug)).toEqual([]);

      await approveAll(server.db, post.id);
      const [shown] = await publicLinkbacks(server, post.slug);
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
      expect((await sendTrackback(server, `/trackback/${post.id}`, { url: source })).error).toBe(0);
      const [row] = await linkbackRows(server.db, post.id);
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
            server,
            `/trackback/${post.id}`,
            latin1(`url=${encodeURIComponent(first)}&title=Caf%E9&blog_name=M%FCller`),
            'application/x-www-form-urlencoded; charset=ISO-8859-1',
          )
        ).error,
      ).toBe(0);
      expect(
        (
          await sendTrackback(
            server,
            `/trackback/${post.id}`,
            `url=${encodeURIComponent(second)}&title=Caf%E9&charset=iso-8859-1`,
          )
        ).error,
      ).toBe(0);
      const rows = await linkbackRows(server.db, post.id);
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
          { url: `${site.origin}/missing` },
          'The source answered HTTP 404.',
        ],
      ];
      for (const [path, fields, message] of cases) {
        const answer = await sendTrackback(server, path, fields);
        expect(answer.status).toBe(200);
        expect(answer.raw).toBe(
          `<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>1</error>\n<message>${message}</message>\n</response>\n`,
        );
      }
      expect(await linkbackRows(server.db, post.id)).toEqual([]);
      expect(await linkbackRows(server.db, closed.post.id)).toEqual([]);
    });

    it('refuses a second ping from the same URL', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [url] }));
      expect((await sendTrackback(server, `/trackback/${post.id}`, { url: source })).error).toBe(0);
      const again = await sendTrackback(server, `/trackback/${post.id}`, { url: source });
      expect(again.error).toBe(1);
      expect(again.message).toBe('A ping from this source is already recorded for this post.');
      expect(await linkbackRows(server.db, post.id)).toHaveLength(1);
    });

    it('answers GET with 405', async () => {
      const { post } = await newPost();
      const res = await fetch(`${server.url}/trackback/${post.id}`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    });
  });

  describe('Pingback', () => {
    it('registers a verified pingback as PENDING and shows it once approved', async () => {
      const { post, url } = await newPost();
      const long = 'word '.repeat(60);
      const source = servePage(
        sourcePage({
          title: 'Pinging &amp; linking',
          targets: [url],
          before: `${long}I read`,
          after: `and ${long}`,
        }),
      );
      const answer = await sendPingback(server, source, url);
      expect(answer).toEqual({ ok: true, value: `Pingback from ${source} to ${url} registered.` });

      const [row] = await linkbackRows(server.db, post.id);
      expect(row).toMatchObject({
        kind: 'PINGBACK',
        status: 'PENDING',
        title: 'Pinging & linking',
        targetUrl: url,
      });
      // WordPress-style context: ~100 characters either side of the link, cut marks where cut.
      expect(row!.excerpt).toMatch(/^\[…\] (word )+I read this post and (word )+\[…\]$/);
      expect(row!.excerpt!.length).toBeLessThan(260);
      expect(await publicLinkbacks(server, post.slug)).toEqual([]);

      await approveAll(server.db, post.id);
      const [shown] = await publicLinkbacks(server, post.slug);
      expect(shown).toMatchObject({
        kind: 'PINGBACK',
        sourceUrl: source,
        title: 'Pinging & linking',
      });
    });

    it('answers with the pingback fault codes, storing nothing', async () => {
      const { post, url } = await newPost();
      const closed = await newPost({ pingsOpen: false });
      const draft = await newPost({ status: 'DRAFT' });
      const linking = servePage(sourcePage({ targets: [url, closed.url, draft.url] }));
      const notLinking = servePage(sourcePage({ targets: ['https://elsewhere.example/'] }));
      const failing = servePage((path) => site.route(path, { status: 500, body: 'oops' }));
      const cases: [string, string, number, RegExp][] = [
        [`${site.origin}/missing`, url, 16, /HTTP 404/],
        ['ftp://example.org/file', url, 16, /http/],
        [notLinking, url, 17, /does not link/],
        [linking, `${TEST_PUBLIC_URL}/posts/no-such-post`, 32, /not a published post/],
        [linking, draft.url, 32, /not a published post/],
        [linking, 'https://elsewhere.example/posts/x', 33, /not on this site/],
        [linking, closed.url, 33, /closed/],
        [failing, url, 50, /HTTP 500/],
        [url, url, 0, /same/],
      ];
      for (const [source, target, code, message] of cases) {
        const answer = await sendPingback(server, source, target);
        expect(answer, `${source} → ${target}`).toMatchObject({ ok: false, faultCode: code });
        expect(answer.ok === false && answer.faultString).toMatch(message);
      }
      for (const id of [post.id, closed.post.id, draft.post.id]) {
        expect(await linkbackRows(server.db, id)).toEqual([]);
      }
    });

    it('answers 48 for a pingback already registered', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [url] }));
      expect((await sendPingback(server, source, url)).ok).toBe(true);
      expect(await sendPingback(server, source, url)).toMatchObject({ ok: false, faultCode: 48 });
      expect(await linkbackRows(server.db, post.id)).toHaveLength(1);
    });

    it('answers 49 once a host has sent its hourly share of pings', async () => {
      const { post, url } = await newPost();
      const recent = await server.repo<IncomingPingRow>('IncomingPing').countBy({
        sourceHost: '127.0.0.1',
      });
      await setSetting(server.db, SETTINGS.maxPerHostPerHour, String(recent + 1));
      const first = servePage(sourcePage({ targets: [url] }));
      const second = servePage(sourcePage({ targets: [url] }));
      expect((await sendPingback(server, first, url)).ok).toBe(true);
      expect(await sendPingback(server, second, url)).toMatchObject({ ok: false, faultCode: 49 });
      expect(await linkbackRows(server.db, post.id)).toHaveLength(1);
    });

    it('approves verified pingbacks at once when auto-approve is on', async () => {
      const { post, url } = await newPost();
      await setSetting(server.db, SETTINGS.autoApprove, 'true');
      const source = servePage(sourcePage({ title: 'Auto', targets: [url] }));
      expect((await sendPingback(server, source, url)).ok).toBe(true);
      expect((await publicLinkbacks(server, post.slug)).map((l) => l.title)).toEqual(['Auto']);
    });

    it('answers XML-RPC faults for malformed calls, unknown methods and wrong parameters', async () => {
      const post = async (body: string) => {
        const res = await fetch(`${server.url}/xmlrpc`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
        const text = await res.text();
        return Number(/<name>faultCode<\/name>\s*<value><int>(-?\d+)<\/int>/.exec(text)?.[1]);
      };
      expect(await post('<methodCall><methodName>pingback.ping</methodName>')).toBe(-32700);
      expect(await post('not xml at all <<<')).toBe(-32700);
      expect(
        await post(
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><methodCall><methodName>pingback.ping</methodName></methodCall>',
        ),
      ).toBe(-32700);
      expect(await post('<methodResponse/>')).toBe(-32600);
      expect(await callXmlRpc(server, 'system.shutdown', [])).toMatchObject({
        ok: false,
        faultCode: -32601,
      });
      expect(await callXmlRpc(server, 'pingback.ping', ['only one'])).toMatchObject({
        ok: false,
        faultCode: -32602,
      });
      expect(await callXmlRpc(server, 'pingback.ping', [1, 2])).toMatchObject({
        ok: false,
        faultCode: -32602,
      });
    });

    it('answers GET with 405', async () => {
      const res = await fetch(`${server.url}/xmlrpc`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    });
  });

  describe('Webmention', () => {
    it('queues, verifies, and records a webmention as PENDING; shows it with its author once approved', async () => {
      const { post, url } = await newPost();
      const source = servePage(
        sourcePage({
          title: 'A reply',
          targets: [url],
          entry: {
            classes: 'u-in-reply-to',
            author:
              '<div class="p-author h-card"><img class="u-photo" src="https://alice.example/me.jpg" alt=""><a class="p-name u-url" href="https://alice.example/">Alice <em>Example</em></a></div>',
          },
        }),
      );
      const answer = await sendWebmention(server, { source, target: url });
      expect(answer.status).toBe(201);
      expect(answer.location).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/webmention/status/[\\w-]+$`));
      const status = await settledStatus(server, answer.location!);
      expect(status).toMatchObject({ status: 'accepted', result: 'created', source, target: url });

      const [row] = await linkbackRows(server.db, post.id);
      expect(row).toMatchObject({
        kind: 'WEBMENTION',
        status: 'PENDING',
        mentionType: 'REPLY',
        authorName: 'Alice Example',
        authorUrl: 'https://alice.example/',
        authorPhoto: 'https://alice.example/me.jpg',
      });
      expect(await publicLinkbacks(server, post.slug)).toEqual([]);
      await approveAll(server.db, post.id);
      const [shown] = await publicLinkbacks(server, post.slug);
      expect(shown).toMatchObject({
        kind: 'WEBMENTION',
        mentionType: 'REPLY',
        title: 'A reply',
        author: {
          name: 'Alice Example',
          url: 'https://alice.example/',
          photo: 'https://alice.example/me.jpg',
        },
      });
    });

    it('tells likes and reposts from mentions', async () => {
      const { post, url } = await newPost();
      const like = servePage(sourcePage({ targets: [url], entry: { classes: 'u-like-of' } }));
      const repost = servePage(sourcePage({ targets: [url], entry: { classes: 'u-repost-of' } }));
      const mention = servePage(sourcePage({ targets: [url], entry: {} }));
      for (const source of [like, repost, mention]) {
        expect((await webmentionSettled(server, source, url)).status).toBe('accepted');
      }
      const rows = await linkbackRows(server.db, post.id);
      expect(rows.map((r) => [r.sourceUrl, r.mentionType])).toEqual([
        [like, 'LIKE'],
        [repost, 'REPOST'],
        [mention, 'MENTION'],
      ]);
    });

    it('keeps extracted text plain and author URLs http(s) only', async () => {
      const { post, url } = await newPost();
      const source = servePage(
        sourcePage({
          title: 'Hi &lt;script&gt;alert(1)&lt;/script&gt;',
          targets: [url],
          entry: {
            author:
              '<a class="p-author h-card" href="javascript:alert(1)"><img class="u-photo" src="data:image/png;base64,AA" alt="">Mallory</a>',
          },
        }),
      );
      expect((await webmentionSettled(server, source, url)).status).toBe('accepted');
      const [row] = await linkbackRows(server.db, post.id);
      expect(row).toMatchObject({
        title: 'Hi <script>alert(1)</script>',
        authorName: 'Mallory',
        authorUrl: null,
        authorPhoto: null,
      });
    });

    it('updates the stored mention when the same source pings again', async () => {
      const { post, url } = await newPost();
      const path = '/evolving';
      site.route(path, html(sourcePage({ title: 'First draft', targets: [url] })));
      const source = `${site.origin}${path}`;
      expect(await webmentionSettled(server, source, url)).toMatchObject({ result: 'created' });
      await approveAll(server.db, post.id);

      site.route(
        path,
        html(sourcePage({ title: 'Second draft', targets: [url], before: 'Now I really read' })),
      );
      expect(await webmentionSettled(server, source, url)).toMatchObject({
        status: 'accepted',
        result: 'updated',
      });
      const rows = await linkbackRows(server.db, post.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ title: 'Second draft', status: 'APPROVED' });
      expect(rows[0]!.updatedAt).toBeInstanceOf(Date);
      const [shown] = await publicLinkbacks(server, post.slug);
      expect(shown!.title).toBe('Second draft');
      expect(shown!.excerpt).toContain('Now I really read');
    });

    it('removes the mention when the source answers 410 Gone', async () => {
      const { post, url } = await newPost();
      const path = '/to-be-deleted';
      site.route(path, html(sourcePage({ targets: [url] })));
      const source = `${site.origin}${path}`;
      await webmentionSettled(server, source, url);
      await approveAll(server.db, post.id);
      expect(await publicLinkbacks(server, post.slug)).toHaveLength(1);

      site.route(path, { status: 410, body: 'gone' });
      const status = await webmentionSettled(server, source, url);
      expect(status).toMatchObject({ status: 'accepted', result: 'deleted' });
      expect(status.reason).toMatch(/410/);
      expect(await linkbackRows(server.db, post.id)).toEqual([]);
      expect(await publicLinkbacks(server, post.slug)).toEqual([]);
    });

    it('removes the mention when the source no longer links to the target', async () => {
      const { post, url } = await newPost();
      const path = '/unlinked-later';
      site.route(path, html(sourcePage({ targets: [url] })));
      const source = `${site.origin}${path}`;
      await webmentionSettled(server, source, url);
      site.route(path, html(sourcePage({ targets: ['https://elsewhere.example/'] })));
      expect(await webmentionSettled(server, source, url)).toMatchObject({ result: 'deleted' });
      expect(await linkbackRows(server.db, post.id)).toEqual([]);
    });

    it('rejects a source that does not link, with the reason on the status URL', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [`${url}-other`] }));
      const status = await webmentionSettled(server, source, url);
      expect(status).toMatchObject({
        status: 'rejected',
        result: null,
        reason: 'The source does not link to the target.',
      });
      expect(await linkbackRows(server.db, post.id)).toEqual([]);
    });

    it('accepts links from JSON and plain-text sources', async () => {
      const { post, url } = await newPost();
      const json = servePage((path) =>
        site.route(path, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'JSON note', links: [{ href: url }] }),
        }),
      );
      const text = servePage((path) =>
        site.route(path, {
          headers: { 'content-type': 'text/plain' },
          body: `See ${url} for more.`,
        }),
      );
      expect((await webmentionSettled(server, json, url)).status).toBe('accepted');
      expect((await webmentionSettled(server, text, url)).status).toBe('accepted');
      const rows = await linkbackRows(server.db, post.id);
      expect(rows.map((r) => [r.title, r.excerpt])).toEqual([
        ['JSON note', null],
        [null, `See ${url} for more.`],
      ]);
    });

    it('does not count a link that only appears inside an HTML comment or a script', async () => {
      const { url } = await newPost();
      const source = servePage(
        `<html><body><!-- <a href="${url}">hidden</a> --><script>var u = "${url}";</script><p>nothing</p></body></html>`,
      );
      expect((await webmentionSettled(server, source, url)).status).toBe('rejected');
    });

    it('answers 400 with a plain-text reason for each synchronous check', async () => {
      const { url } = await newPost();
      const closed = await newPost({ pingsOpen: false });
      const draft = await newPost({ status: 'DRAFT' });
      const source = `${site.origin}/anything`;
      const cases: [Record<string, string>, string, string][] = [
        [
          { source, target: url },
          'application/json',
          'The content type must be application/x-www-form-urlencoded.',
        ],
        [{ target: url }, 'application/x-www-form-urlencoded', 'The source parameter is required.'],
        [{ source }, 'application/x-www-form-urlencoded', 'The target parameter is required.'],
        [
          { source: 'ftp://x.example/', target: url },
          'application/x-www-form-urlencoded',
          'The source must be an http:// or https:// URL.',
        ],
        [
          { source, target: 'mailto:me@example.org' },
          'application/x-www-form-urlencoded',
          'The target must be an http:// or https:// URL.',
        ],
        [
          { source: url, target: url },
          'application/x-www-form-urlencoded',
          'The source and the target are the same URL.',
        ],
        [
          { source, target: 'https://elsewhere.example/posts/x' },
          'application/x-www-form-urlencoded',
          'The target is not a published post of this site.',
        ],
        [
          { source, target: `${TEST_PUBLIC_URL}/posts/nope` },
          'application/x-www-form-urlencoded',
          'The target is not a published post of this site.',
        ],
        [
          { source, target: draft.url },
          'application/x-www-form-urlencoded',
          'The target is not a published post of this site.',
        ],
        [
          { source, target: closed.url },
          'application/x-www-form-urlencoded',
          'Pings are closed on this post.',
        ],
      ];
      const before = await server.repo<IncomingPingRow>('IncomingPing').count();
      for (const [fields, contentType, reason] of cases) {
        const answer = await sendWebmention(server, fields, contentType);
        expect(answer.status, reason).toBe(400);
        expect(answer.text).toBe(`${reason}\n`);
      }
      expect(await server.repo<IncomingPingRow>('IncomingPing').count()).toBe(before);
    });

    it('answers 429 once a host has sent its hourly share', async () => {
      const { url } = await newPost();
      const recent = await server.repo<IncomingPingRow>('IncomingPing').countBy({
        sourceHost: '127.0.0.1',
      });
      await setSetting(server.db, SETTINGS.maxPerHostPerHour, String(recent));
      const answer = await sendWebmention(server, { source: `${site.origin}/x`, target: url });
      expect(answer.status).toBe(429);
      expect(answer.text).toBe('Too many pings from this host; try again later.\n');
    });

    it('answers 404 for unknown status URLs and 405 for GET on the endpoint', async () => {
      expect((await fetch(`${server.url}/webmention/status/unknown-token-123`)).status).toBe(404);
      expect((await fetch(`${server.url}/webmention`)).status).toBe(405);
    });

    it('follows a source that redirects, but not to a private address', async () => {
      const { post, url } = await newPost();
      const moved = servePage(sourcePage({ title: 'Moved here', targets: [url] }));
      const redirecting = servePage((path) =>
        site.route(path, { status: 301, headers: { location: new URL(moved).pathname } }),
      );
      const toPrivate = servePage((path) =>
        site.route(path, { status: 302, headers: { location: 'http://10.0.0.1/internal' } }),
      );
      expect(await webmentionSettled(server, redirecting, url)).toMatchObject({
        status: 'accepted',
      });
      const refused = await webmentionSettled(server, toPrivate, url);
      expect(refused.status).toBe('rejected');
      expect(refused.reason).toContain('EFORBIDDENADDRESS');
      const rows = await linkbackRows(server.db, post.id);
      expect(rows.map((r) => [r.sourceUrl, r.title])).toEqual([[redirecting, 'Moved here']]);
    });

    it('rejects an oversized source whose link comes after the first megabyte', async () => {
      const { url } = await newPost();
      const source = servePage(
        `<html><body><p>${'x'.repeat(1_200_000)}</p><a href="${url}">late link</a></body></html>`,
      );
      expect(await webmentionSettled(server, source, url)).toMatchObject({
        status: 'rejected',
        reason: 'The source does not link to the target.',
      });
    });

    it('rejects a source that stalls, within the fetch time limit', async () => {
      const { url } = await newPost();
      const source = servePage((path) =>
        site.route(path, (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.write(`<html><body><a href="${url}">a link, and then nothing more`);
        }),
      );
      const status = await webmentionSettled(server, source, url);
      expect(status.status).toBe('rejected');
      expect(status.reason).toMatch(/no complete answer within 8 s/);
    });
  });

  describe('moderation services (for the editorial API)', () => {
    it('lists linkbacks by status and sets a status', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [url] }));
      expect((await sendPingback(server, source, url)).ok).toBe(true);
      const { linkbacks } = server.app.services;
      const pending = await linkbacks.listByStatus('PENDING', { first: 100 });
      const mine = pending.edges.find((e) => e.node.sourceUrl === source);
      expect(mine).toBeDefined();
      expect(pending.totalCount).toBeGreaterThanOrEqual(1);

      const approved = await linkbacks.setStatus(mine!.node.id, 'APPROVED');
      expect(approved).toMatchObject({ id: mine!.node.id, status: 'APPROVED' });
      expect((await publicLinkbacks(server, post.slug)).map((l) => l.sourceUrl)).toEqual([source]);
      expect(await linkbacks.setStatus(999_999, 'APPROVED')).toBeNull();
      const rows = await server.repo<LinkbackRow>('Linkback').findBy({ postId: post.id });
      expect(rows.map((r) => r.status)).toEqual(['APPROVED']);
    });
  });
});

describe.each(databaseKinds())(
  'receiving linkbacks without the test-only loopback setting on %s',
  (kind) => {
    let server: TestServer;
    let site: FixtureSite;
    beforeAll(async () => {
      server = await startServer(kind, { configure: (c) => (c.jobs.pollIntervalMs = 50) });
      site = await startFixtureSite();
    });
    afterAll(async () => {
      await site?.close();
      await server?.close();
    });

    it('never contacts loopback or private sources, whichever protocol names them', async () => {
      const post = await insertPost(server.db, { slug: 'ssrf' });
      const target = postUrl(post.slug);
      const port = new URL(site.origin).port;
      site.route('/', html(sourcePage({ targets: [target] })));

      for (const source of [
        `http://127.0.0.1:${port}/`,
        `http://localhost:${port}/`,
        `http://[::1]:${port}/`,
      ]) {
        const status = await webmentionSettled(server, source, target);
        expect(status.status, source).toBe('rejected');
        expect(status.reason).toContain('EFORBIDDENADDRESS');
        const pingback = await sendPingback(server, source, target);
        expect(pingback).toMatchObject({ ok: false, faultCode: 16 });
        expect(pingback.ok === false && pingback.faultString).toContain('EFORBIDDENADDRESS');
        const trackback = await sendTrackback(server, `/trackback/${post.id}`, { url: source });
        expect(trackback.error).toBe(1);
        expect(trackback.message).toContain('EFORBIDDENADDRESS');
      }
      // Refused before connecting: these are never sent any traffic.
      for (const source of ['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/']) {
        const status = await webmentionSettled(server, source, target);
        expect(status.reason, source).toContain('EFORBIDDENADDRESS');
        const pingback = await sendPingback(server, source, target);
        expect(pingback.ok === false && pingback.faultString).toContain('EFORBIDDENADDRESS');
      }
      expect(site.connections).toBe(0);
      expect(await linkbackRows(server.db, post.id)).toEqual([]);
    });
  },
);
