import type { AddressInfo } from 'node:net';
import xmlrpc from 'xmlrpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingPingRow } from '../../src/modules/linkbacks/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { insertPost } from '../support/fixtures.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import { LOOPBACK_ENV } from '../support/linkbacks.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const FINAL = new Set(['SENT', 'FAILED', 'NO_ENDPOINT', 'SKIPPED']);

describe.each(databaseKinds())('sending linkbacks on %s', (kind) => {
  let server: TestServer;
  let site: FixtureSite;
  let pingbackServer: xmlrpc.Server;
  let pingbackUrl = '';
  /** pingback.ping calls received by the fixture pingback server, and what it answers. */
  const pingbacks: string[][] = [];
  let pingbackFault: { faultCode: number; faultString: string } | null = null;
  let posts = 0;

  beforeAll(async () => {
    server = await startServer(kind, {
      env: LOOPBACK_ENV,
      configure: (c) => {
        c.jobs.retryBaseMs = 50;
        c.jobs.maxAttempts = 3;
      },
    });
    site = await startFixtureSite();
    // A pingback receiver built with the xmlrpc library, not with our code.
    await new Promise<void>((resolve) => {
      pingbackServer = xmlrpc.createServer({ host: '127.0.0.1', port: 0 }, () => resolve());
    });
    pingbackServer.on(
      'pingback.ping',
      (_err: unknown, params: string[], reply: (e: unknown, v?: unknown) => void) => {
        pingbacks.push(params);
        if (pingbackFault) reply(pingbackFault);
        else reply(null, 'Thanks!');
      },
    );
    pingbackUrl = `http://127.0.0.1:${(pingbackServer.httpServer.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await site?.close();
    await new Promise((resolve) => pingbackServer?.httpServer.close(resolve));
    await server?.close();
  });

  /** Publishes a post whose content links to `links`, then tells the sender about it. */
  async function publish(links: string[], extra = ''): Promise<{ post: PostRow; url: string }> {
    const content = `<p>${links.map((l) => `<a href="${l}">a link</a>`).join(' ')}${extra}</p>`;
    const post = await insertPost(server.db, {
      slug: `sent-${++posts}`,
      contentHtml: content,
    });
    await server.app.services.linkbackSender.postPublished(post.id);
    return { post, url: `${TEST_PUBLIC_URL}/posts/${post.slug}` };
  }

  /** The post's outgoing pings once none is queued or retrying (at most 300 polls, 50 ms apart). */
  async function outcomes(postId: number): Promise<OutgoingPingRow[]> {
    for (let i = 0; i < 300; i++) {
      const rows = await server.app.services.linkbackSender.outgoingPings(postId);
      if (rows.length > 0 && rows.every((r) => FINAL.has(r.status))) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`outgoing pings of post ${postId} did not settle`);
  }

  /** A target page at a fresh path (with a webmention endpoint path beside it that accepts). */
  let targets = 0;
  function target(page: (paths: { dir: string; endpoint: string }) => void): {
    url: string;
    endpoint: string;
  } {
    const dir = `/t${++targets}`;
    const endpoint = `${dir}/endpoint`;
    site.route(endpoint, { status: 202, body: 'Accepted' });
    page({ dir, endpoint });
    return { url: `${site.origin}${dir}/page`, endpoint: `${site.origin}${endpoint}` };
  }

  function webmentionsTo(endpointUrl: string): Record<string, string | undefined>[] {
    const path = new URL(endpointUrl).pathname + new URL(endpointUrl).search;
    return site.requests
      .filter((r) => r.method === 'POST' && r.path === path)
      .map((r) => ({
        type: r.headers['content-type'],
        ...Object.fromEntries(new URLSearchParams(r.body)),
      }));
  }

  async function expectWebmentionSent(to: { url: string }, endpoint: string) {
    const { post, url } = await publish([to.url]);
    const [ping] = await outcomes(post.id);
    expect(ping).toMatchObject({
      targetUrl: to.url,
      protocol: 'WEBMENTION',
      endpoint,
      status: 'SENT',
      attempts: 1,
    });
    expect(ping!.lastResponse).toMatch(/^HTTP 20[12]/);
    expect(webmentionsTo(endpoint)).toContainEqual({
      type: 'application/x-www-form-urlencoded',
      source: url,
      target: to.url,
    });
  }

  describe('webmention endpoint discovery', () => {
    it('uses the HTTP Link header', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html('<p>no links here</p>', { link: `<${site.origin}${endpoint}>; rel="webmention"` }),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('finds rel="webmention" among several rel values and several Link headers', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html('<p>x</p>', {
            link: [
              `<${site.origin}/elsewhere>; rel="alternate"`,
              `<${endpoint}>; rel="other webmention"`,
            ],
          }),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('prefers the Link header to the HTML', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html(`<link rel="webmention" href="${dir}/not-this">`, {
            link: `<${endpoint}>; rel=webmention`,
          }),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('uses <link rel="webmention"> in the HTML', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html(`<html><head><link rel="webmention" href="${endpoint}"></head></html>`),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('uses <a rel="webmention"> in the HTML', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html(`<p>Send <a rel="webmention" href="${endpoint}">webmentions</a></p>`),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('takes the first <a> or <link> in document order', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html(
            `<body><a rel="webmention" href="${endpoint}">first</a><link rel="webmention" href="${dir}/second"></body>`,
          ),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('ignores links inside HTML comments', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html(
            `<!-- <link rel="webmention" href="${dir}/commented"> --><link rel="webmention" href="${endpoint}">`,
          ),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('resolves a relative URL against the final URL after redirects', async () => {
      const t = target(({ dir }) => {
        site.route(`${dir}/page`, { status: 301, headers: { location: `${dir}/moved/here` } });
        site.route(`${dir}/moved/here`, html('<link rel="webmention" href="wm">'));
        site.route(`${dir}/moved/wm`, {
          status: 201,
          headers: { location: `${dir}/moved/status/1` },
        });
      });
      await expectWebmentionSent(t, `${site.origin}/t${targets}/moved/wm`);
    });

    it('resolves a relative Link header URL against the final URL after redirects', async () => {
      const t = target(({ dir }) => {
        site.route(`${dir}/page`, { status: 302, headers: { location: `${dir}/b/page` } });
        site.route(`${dir}/b/page`, html('<p>x</p>', { link: '<endpoint>; rel="webmention"' }));
        site.route(`${dir}/b/endpoint`, { status: 202 });
      });
      await expectWebmentionSent(t, `${site.origin}/t${targets}/b/endpoint`);
    });

    it('keeps the query string of the endpoint', async () => {
      const t = target(({ dir }) => {
        site.route(
          `${dir}/page`,
          html(`<link rel="webmention" href="${dir}/wm?version=1&key=abc">`),
        );
        site.route(`${dir}/wm?version=1&key=abc`, { status: 202 });
      });
      await expectWebmentionSent(t, `${site.origin}/t${targets}/wm?version=1&key=abc`);
    });

    it('treats an empty href as the page itself', async () => {
      const t = target(({ dir }) =>
        site.route(`${dir}/page`, (req, res) => {
          res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'text/html' });
          res.end('<link rel="webmention" href="">');
        }),
      );
      await expectWebmentionSent(t, t.url);
    });
  });

  describe('pingback endpoint discovery', () => {
    it('uses the X-Pingback header', async () => {
      const t = target(({ dir }) =>
        site.route(`${dir}/page`, html('<p>x</p>', { 'x-pingback': pingbackUrl })),
      );
      const { post, url } = await publish([t.url]);
      const [ping] = await outcomes(post.id);
      expect(ping).toMatchObject({ protocol: 'PINGBACK', endpoint: pingbackUrl, status: 'SENT' });
      expect(ping!.lastResponse).toBe('HTTP 200; Thanks!');
      expect(pingbacks).toContainEqual([url, t.url]);
    });

    it('uses <link rel="pingback"> in the HTML', async () => {
      const t = target(({ dir }) =>
        site.route(`${dir}/page`, html(`<link rel="pingback" href="${pingbackUrl}">`)),
      );
      const { post, url } = await publish([t.url]);
      const [ping] = await outcomes(post.id);
      expect(ping).toMatchObject({ protocol: 'PINGBACK', endpoint: pingbackUrl, status: 'SENT' });
      expect(pingbacks).toContainEqual([url, t.url]);
    });

    it('prefers webmention when a page offers both', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(
          `${dir}/page`,
          html(
            `<link rel="pingback" href="${pingbackUrl}"><link rel="webmention" href="${endpoint}">`,
            {
              'x-pingback': pingbackUrl,
            },
          ),
        ),
      );
      await expectWebmentionSent(t, t.endpoint);
    });

    it('records a pingback fault as failed, except 48 (already registered)', async () => {
      const t = target(({ dir }) =>
        site.route(`${dir}/page`, html('<p>x</p>', { 'x-pingback': pingbackUrl })),
      );
      pingbackFault = { faultCode: 17, faultString: 'No link to the target' };
      try {
        const { post } = await publish([t.url]);
        const [ping] = await outcomes(post.id);
        expect(ping).toMatchObject({ status: 'FAILED', attempts: 1 });
        expect(ping!.lastError).toBe('fault 17: No link to the target');
        pingbackFault = { faultCode: 48, faultString: 'Already registered' };
        await server.app.services.linkbackSender.postPublished(post.id);
        const [again] = await outcomes(post.id);
        expect(again).toMatchObject({ status: 'SENT' });
        expect(again!.lastResponse).toBe('HTTP 200; fault 48: Already registered');
      } finally {
        pingbackFault = null;
      }
    });
  });

  describe('sending', () => {
    it('records NO_ENDPOINT for pages without one', async () => {
      const t = target(({ dir }) => site.route(`${dir}/page`, html('<p>plain page</p>')));
      const { post } = await publish([t.url]);
      expect((await outcomes(post.id))[0]).toMatchObject({
        status: 'NO_ENDPOINT',
        endpoint: null,
        protocol: null,
      });
    });

    it('pings each other site once per post: no own links, no fragments, no duplicates', async () => {
      const t = target(({ dir, endpoint }) =>
        site.route(`${dir}/page`, html(`<link rel="webmention" href="${endpoint}">`)),
      );
      const { post } = await publish(
        [t.url, `${t.url}#comments`, `${TEST_PUBLIC_URL}/posts/other`, 'mailto:me@example.org'],
        `<img src="${site.origin}/image.png">`,
      );
      const rows = await outcomes(post.id);
      expect(rows.map((r) => r.targetUrl)).toEqual([t.url]);
    });

    it('retries a failing endpoint with back-off until it accepts', async () => {
      let calls = 0;
      const t = target(({ dir }) => {
        site.route(`${dir}/page`, html(`<link rel="webmention" href="${dir}/flaky">`));
        site.route(`${dir}/flaky`, (_req, res) => {
          calls++;
          res.writeHead(calls < 3 ? 503 : 202);
          res.end(calls < 3 ? 'busy' : 'ok');
        });
      });
      const { post } = await publish([t.url]);
      const [ping] = await outcomes(post.id);
      expect(ping).toMatchObject({ status: 'SENT', attempts: 3 });
      expect(calls).toBe(3);
    });

    it('gives up after the last attempt', async () => {
      let calls = 0;
      const t = target(({ dir }) => {
        site.route(`${dir}/page`, html(`<link rel="webmention" href="${dir}/down">`));
        site.route(`${dir}/down`, (_req, res) => {
          calls++;
          res.writeHead(500);
          res.end('down');
        });
      });
      const { post } = await publish([t.url]);
      const [ping] = await outcomes(post.id);
      expect(ping).toMatchObject({ status: 'FAILED', attempts: 3 });
      expect(ping!.lastResponse).toBe('HTTP 500; down');
      expect(calls).toBe(3);
    });

    it('does not retry an endpoint that refuses the webmention', async () => {
      const t = target(({ dir }) => {
        site.route(`${dir}/page`, html(`<link rel="webmention" href="${dir}/refuse">`));
        site.route(`${dir}/refuse`, { status: 400, body: 'Source does not link to target' });
      });
      const { post } = await publish([t.url]);
      const [ping] = await outcomes(post.id);
      expect(ping).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(ping!.lastResponse).toBe('HTTP 400; Source does not link to target');
    });

    it('never sends to an endpoint on a private address', async () => {
      const t = target(({ dir }) =>
        site.route(
          `${dir}/page`,
          html('<link rel="webmention" href="http://169.254.169.254/latest/meta-data/">'),
        ),
      );
      const { post } = await publish([t.url]);
      const [ping] = await outcomes(post.id);
      expect(ping).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        endpoint: 'http://169.254.169.254/latest/meta-data/',
      });
      expect(ping!.lastError).toContain('EFORBIDDENADDRESS');
    });

    it('after an update, pings current links again and tells removed ones (webmention only)', async () => {
      const kept = target(({ dir, endpoint }) =>
        site.route(`${dir}/page`, html(`<link rel="webmention" href="${endpoint}">`)),
      );
      const dropped = target(({ dir, endpoint }) =>
        site.route(`${dir}/page`, html(`<link rel="webmention" href="${endpoint}">`)),
      );
      const droppedPingback = target(({ dir }) =>
        site.route(`${dir}/page`, html('<p>x</p>', { 'x-pingback': pingbackUrl })),
      );
      const { post, url } = await publish([kept.url, dropped.url, droppedPingback.url]);
      expect((await outcomes(post.id)).map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);

      const previousHtml = post.contentHtml;
      await server
        .repo<PostRow>('Post')
        .update(
          { id: post.id },
          { contentHtml: `<p><a href="${kept.url}">only this one now</a></p>` },
        );
      const queued = await server.app.services.linkbackSender.postUpdated(post.id, previousHtml);
      expect(queued.map((r) => [r.targetUrl, r.linkRemoved])).toEqual([
        [kept.url, false],
        [dropped.url, true],
        [droppedPingback.url, true],
      ]);
      const rows = await outcomes(post.id);
      expect(rows.map((r) => [r.targetUrl, r.status, r.linkRemoved])).toEqual([
        [kept.url, 'SENT', false],
        [dropped.url, 'SENT', true],
        [droppedPingback.url, 'SKIPPED', true],
      ]);
      expect(webmentionsTo(dropped.endpoint).filter((w) => w.source === url)).toHaveLength(2);
      expect(webmentionsTo(kept.endpoint).filter((w) => w.source === url)).toHaveLength(2);
    });

    it('sends nothing for a post that is not published', async () => {
      const draft = await insertPost(server.db, {
        slug: `draft-${++posts}`,
        status: 'DRAFT',
        contentHtml: `<a href="${site.origin}/x">x</a>`,
      });
      expect(await server.app.services.linkbackSender.postPublished(draft.id)).toEqual([]);
      expect(await server.app.services.linkbackSender.outgoingPings(draft.id)).toEqual([]);
    });
  });
});
