import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { graphql } from './admin.js';
import type { RunningServer } from './server.js';

/** What the server needs to fetch sources on loopback, where the tests' blogs run (test only). */
export const LOOPBACK_FETCH = { COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH: '1' };

export interface SourceBlog {
  origin: string;
  /** Serves a page at `path` that links to `targetUrl`; its URL. */
  linkingPage(path: string, title: string, targetUrl: string): string;
  close(): Promise<void>;
}

/**
 * A real HTTP server playing another blog, whose pages link to our posts:
 * Colloquy fetches a linkback's source to verify it before storing it. It
 * listens on `address` (any of 127/8): the server counts pings per source
 * host, so each test can have a host of its own.
 */
export async function startSourceBlog(address = '127.0.0.1'): Promise<SourceBlog> {
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const body = pages.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const origin = `http://${address}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    linkingPage(path, title, targetUrl) {
      pages.set(
        path,
        `<!doctype html><html><head><title>${title}</title></head><body><article><h1>${title}</h1>` +
          `<p>I read <a href="${targetUrl}">this post</a> and wrote about it.</p></article></body></html>`,
      );
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A published post's reader URL and trackback URL, as the API gives them. */
export async function pingTargets(
  server: RunningServer,
  slug: string,
): Promise<{ url: string; trackbackUrl: string }> {
  const data = await graphql<{ post: { url: string; trackbackUrl: string } | null }>(
    server,
    'query ($slug: String!) { post(slug: $slug) { url trackbackUrl } }',
    { slug },
  );
  if (!data.post) throw new Error(`no published post ${slug}`);
  return data.post;
}

/**
 * Sends a trackback as another blog does (Trackback 1.2: a form POST to the
 * post's trackback URL), its source a page of `blog` that links to the post.
 * Throws unless the server answers `<error>0</error>`.
 */
export async function sendTrackback(
  server: RunningServer,
  blog: SourceBlog,
  slug: string,
  fields: { path: string; title: string; excerpt: string; blogName: string },
): Promise<void> {
  const { url, trackbackUrl } = await pingTargets(server, slug);
  const source = blog.linkingPage(fields.path, fields.title, url);
  const response = await fetch(trackbackUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({
      url: source,
      title: fields.title,
      excerpt: fields.excerpt,
      blog_name: fields.blogName,
    }).toString(),
  });
  const answer = await response.text();
  if (!answer.includes('<error>0</error>')) throw new Error(`trackback refused: ${answer}`);
}

/** The titles of the linkbacks in the desk's queue, in order. */
export function queueTitles(page: Page): Promise<string[]> {
  return page.locator('.adm-linkback__title').allInnerTexts();
}

/** The statuses of a post's linkbacks, asked of the API as `token`'s user, sorted. */
export async function statuses(
  server: RunningServer,
  token: string,
  postId: string,
): Promise<string[]> {
  const data = await graphql<{ linkbacks: { edges: { node: { status: string } }[] } }>(
    server,
    'query ($postId: ID) { linkbacks(postId: $postId, first: 50) { edges { node { status } } } }',
    { postId },
    token,
  );
  return data.linkbacks.edges.map((e) => e.node.status).sort();
}
