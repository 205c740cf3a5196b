import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPost } from '../support/fixtures.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

describe('page meta, status codes and assets of the reader pages', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The response cache off: the statement count below is the page's own cost.
    server = await startServer('sqlite', { env: { COLLOQUY_CACHE: 'off' } });
    if (!fs.existsSync(path.join(server.config.webRoot, 'client', 'index.html'))) {
      throw new Error(`The SPA is not built (${server.config.webRoot}): run \`pnpm build\` first.`);
    }
  });
  afterAll(() => server?.close());

  const html = (p: string) => fetch(`${server.url}${p}`, { headers: { accept: 'text/html' } });

  it('puts the post title, description, canonical URL and Open Graph / Twitter meta into /posts/:slug', async () => {
    const res = await html(`/posts/${SLUG}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const body = await res.text();
    expect(body).toContain(
      '<title>Social media surgery for mental health #smsmhealth — Colloquy</title>',
    );
    expect(body).toContain(`<link rel="canonical" href="${TEST_PUBLIC_URL}/posts/${SLUG}">`);
    expect(body).toContain('<meta property="og:type" content="article">');
    expect(body).toContain(
      '<meta property="og:title" content="Social media surgery for mental health #smsmhealth — Colloquy">',
    );
    expect(body).toMatch(
      /<meta name="description" content="Today was our first ever social media surgery[^"]*">/,
    );
    expect(body).toMatch(/<meta name="twitter:card" content="summary">/);
    expect(body).toContain(
      '<meta property="article:published_time" content="2012-10-26T18:30:00.000Z">',
    );
    expect(body.match(/<title>/g)).toHaveLength(1);
    expect(body).toContain('<div id="app">');
  });

  it('renders a post page, thread and all, with the three SQL statements of its PostPage query (the route shares the post with it; settings are kept in memory)', async () => {
    await (await html(`/posts/${SLUG}`)).text(); // warm-up
    const statements = await server.countQueries(async () => {
      const res = await html(`/posts/${SLUG}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('— Colloquy</title>');
    });
    expect(statements).toBe(3);
  });

  it('escapes post titles in the meta tags', async () => {
    await insertPost(server.db, {
      slug: 'quotes',
      title: 'A "quoted" <title> & more',
      excerpt: 'Use <b>bold</b> & "quotes"',
    });
    const body = await (await html('/posts/quotes')).text();
    expect(body).toContain(
      '<meta property="og:title" content="A &quot;quoted&quot; &lt;title&gt; &amp; more — Colloquy">',
    );
    expect(body).toContain('content="Use &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;"');
    expect(body).not.toContain('<title>A "quoted" <title>');
  });

  it('answers unknown post slugs with HTTP 404 and the SPA (which shows its not-found page)', async () => {
    const res = await html('/posts/no-such-post');
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).toContain('<title>Page not found</title>');
    expect(body).toContain('<div id="app">');
  });

  it('answers drafts with 404 too', async () => {
    await server.repo<PostRow>('Post').update({ slug: 'quotes' }, { status: 'DRAFT' });
    expect((await html('/posts/quotes')).status).toBe(404);
  });

  it('serves the home page, tag pages, and 404 for any other unknown page', async () => {
    expect((await html('/')).status).toBe(200);
    expect((await html('/tag/smsmhealth')).status).toBe(200);
    expect((await html('/no/such/page')).status).toBe(404);
    const api = await fetch(`${server.url}/no-such-endpoint`, {
      headers: { accept: 'application/json' },
    });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: 'Not Found' });
  });

  it('serves the built assets with long-lived caching', async () => {
    const body = await (await html('/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(body)?.[1];
    expect(asset).toBeDefined();
    const res = await fetch(`${server.url}${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    // Read the body: an unread response keeps its connection busy, and closing the
    // server then waits for it (tens of seconds, past the hook timeout under load).
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('reports health', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
  });
});
