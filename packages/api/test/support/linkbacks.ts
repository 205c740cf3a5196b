import type { AddressInfo } from 'node:net';
import xmlrpc from 'xmlrpc';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { LinkbackRow, LinkbackStatus } from '../../src/modules/linkbacks/entities.js';
import { SETTINGS } from '../../src/modules/linkbacks/messages.js';
import { recountApproved, setLinkbackStatus } from '../../src/modules/linkbacks/store.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import type { SettingRow } from '../../src/db/settings.js';
import { html, startFixtureSite, type FixtureSite } from './fixture-site.js';
import { insertPost } from './fixtures.js';
import { startServer, TEST_PUBLIC_URL, type DbKind, type TestServer } from './server.js';

/** Environment that lets the server fetch the loopback fixture sites (test-only setting). */
export const LOOPBACK_ENV = { COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH: '1' };

/** A post's public URL, as the server knows it (TEST_PUBLIC_URL). */
export const postUrl = (slug: string) => `${TEST_PUBLIC_URL}/posts/${slug}`;

/**
 * The set-up of the linkbacks/ tests that receive pings. Call inside a
 * `describe.each(databaseKinds())` block: for the block, a server on `kind`
 * that may fetch the loopback fixture site (jobs polled every 50 ms) and that
 * site; before each test, the per-host limit out of the way and auto-approve
 * off. `server` and `site` are read through the returned object, since they
 * are only there once the block's beforeAll has run.
 */
export function receivingLinkbacks(
  kind: DbKind,
  options: Omit<NonNullable<Parameters<typeof startServer>[1]>, 'env'> = {},
) {
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
    server = await startServer(kind, { ...options, env: LOOPBACK_ENV });
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

  return {
    get server() {
      return server;
    },
    get site() {
      return site;
    },
    newPost,
    servePage,
  };
}

/** A source page that links to `targets`, with an optional h-entry wrapper. */
export function sourcePage(options: {
  title?: string;
  targets?: string[];
  before?: string;
  after?: string;
  entry?: { author?: string; classes?: string };
}): string {
  const links = (options.targets ?? [])
    .map((t) => `<a href="${t}" class="${options.entry?.classes ?? ''}">this post</a>`)
    .join(' and ');
  const text = `<p>${options.before ?? 'I read'} ${links} ${options.after ?? 'and liked it.'}</p>`;
  const body = options.entry
    ? `<article class="h-entry">${options.entry.author ?? ''}<div class="e-content">${text}</div></article>`
    : text;
  return `<!doctype html><html><head><title>${options.title ?? 'A source'}</title></head><body>${body}</body></html>`;
}

export interface TrackbackAnswer {
  status: number;
  contentType: string | null;
  raw: string;
  error: number | null;
  message: string | null;
}

/** POSTs a trackback ping (form-encoded unless `body` is a string in another encoding). */
export async function sendTrackback(
  server: TestServer,
  path: string,
  fields: Record<string, string> | string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<TrackbackAnswer> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof fields === 'string' ? fields : new URLSearchParams(fields).toString(),
  });
  const raw = await res.text();
  const error = /<error>(\d+)<\/error>/.exec(raw)?.[1];
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    raw,
    error: error === undefined ? null : Number(error),
    message: /<message>([^<]*)<\/message>/.exec(raw)?.[1] ?? null,
  };
}

export type PingbackAnswer =
  { ok: true; value: unknown } | { ok: false; faultCode: number; faultString: string };

/** Calls pingback.ping on the server with the `xmlrpc` client library (not our own code). */
export function sendPingback(
  server: TestServer,
  source: string,
  target: string,
): Promise<PingbackAnswer> {
  return callXmlRpc(server, 'pingback.ping', [source, target]);
}

export function callXmlRpc(
  server: TestServer,
  method: string,
  params: unknown[],
): Promise<PingbackAnswer> {
  const { port } = new URL(server.url);
  const client = xmlrpc.createClient({ host: '127.0.0.1', port: Number(port), path: '/xmlrpc' });
  return new Promise((resolve, reject) => {
    client.methodCall(method, params, (error: unknown, value: unknown) => {
      if (!error) return resolve({ ok: true, value });
      const fault = error as { faultCode?: number; faultString?: string };
      if (typeof fault.faultCode === 'number') {
        return resolve({
          ok: false,
          faultCode: fault.faultCode,
          faultString: fault.faultString ?? '',
        });
      }
      reject(error as Error);
    });
  });
}

export interface WebmentionAnswer {
  status: number;
  location: string | null;
  text: string;
}

export async function sendWebmention(
  server: TestServer,
  fields: Record<string, string>,
  contentType = 'application/x-www-form-urlencoded',
): Promise<WebmentionAnswer> {
  const res = await fetch(`${server.url}/webmention`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: contentType.includes('json')
      ? JSON.stringify(fields)
      : new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

export interface WebmentionStatusBody {
  status: 'queued' | 'retrying' | 'accepted' | 'rejected';
  result: 'created' | 'updated' | 'deleted' | null;
  reason: string | null;
  source: string;
  target: string;
}

/**
 * Reads a webmention's status URL on the test server (the Location points at
 * PUBLIC_URL, which is not where the test server listens) until it is no
 * longer queued: at most 300 polls, 50 ms apart.
 */
export async function settledStatus(
  server: TestServer,
  location: string,
): Promise<WebmentionStatusBody> {
  const path = new URL(location).pathname;
  for (let i = 0; i < 300; i++) {
    const body = (await (await fetch(`${server.url}${path}`)).json()) as WebmentionStatusBody;
    if (body.status !== 'queued') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`webmention ${location} still queued`);
}

/** Sends a webmention, expects 201, and waits for its verification. */
export async function webmentionSettled(
  server: TestServer,
  source: string,
  target: string,
): Promise<WebmentionStatusBody> {
  const answer = await sendWebmention(server, { source, target });
  expect(answer.status, answer.text).toBe(201);
  return settledStatus(server, answer.location!);
}

export function linkbackRows(db: Database, postId: number): Promise<LinkbackRow[]> {
  return db.read
    .getRepository<LinkbackRow>('Linkback')
    .find({ where: { postId }, order: { id: 'ASC' } });
}

/** Moderation as test setup: approves every linkback of the post, as moderators do (counters included). */
export async function approveAll(db: Database, postId: number): Promise<void> {
  await db.write(async (em) => {
    const rows = await em.getRepository<LinkbackRow>('Linkback').findBy({ postId });
    await setLinkbackStatus(
      em,
      rows.map((r) => r.id),
      'APPROVED',
    );
  });
}

/**
 * Stores `count` linkbacks on a post with multi-row INSERTs (not one save
 * each), two a minute from `start` (so that pages meet ties on createdAt),
 * sources https://bulk.example.net/<postId>/<i>; then sets the post's
 * counter from its rows, since bulk SQL goes around the store.
 */
export async function bulkLinkbacks(
  db: Database,
  postId: number,
  count: number,
  {
    status = 'APPROVED',
    start = Date.UTC(2014, 0, 1),
  }: { status?: LinkbackStatus; start?: number } = {},
): Promise<void> {
  await db.write(async (em) => {
    for (let from = 0; from < count; from += 500) {
      const rows: Omit<LinkbackRow, 'id'>[] = [];
      for (let i = from; i < Math.min(count, from + 500); i++) {
        rows.push({
          postId,
          kind: 'WEBMENTION',
          sourceUrl: `https://bulk.example.net/${postId}/${i}`,
          title: `Mention ${i}`,
          excerpt: null,
          blogName: null,
          status,
          createdAt: new Date(start + Math.floor(i / 2) * 60_000),
          targetUrl: null,
          authorName: null,
          authorUrl: null,
          authorPhoto: null,
          mentionType: 'MENTION',
          updatedAt: null,
        });
      }
      await em
        .createQueryBuilder()
        .insert()
        .into('Linkback')
        .values(rows)
        .updateEntity(false)
        .execute();
    }
    await recountApproved(em, [postId]);
  });
}

export async function setSetting(db: Database, key: string, value: string): Promise<void> {
  await db.write((em) => em.getRepository<SettingRow>('Setting').save({ key, value }));
}

export const POST_LINKBACKS = /* GraphQL */ `
  query ($slug: String!) {
    post(slug: $slug) {
      trackbackUrl
      linkbackCount
      linkbacks(first: 50) {
        totalCount
        edges {
          node {
            id
            kind
            mentionType
            sourceUrl
            title
            excerpt
            blogName
            author {
              name
              url
              photo
            }
            createdAt
            updatedAt
          }
        }
      }
    }
  }
`;

export interface PublicLinkback {
  id: string;
  kind: string;
  mentionType: string;
  sourceUrl: string;
  title: string | null;
  excerpt: string | null;
  blogName: string | null;
  author: { name: string | null; url: string | null; photo: string | null } | null;
  createdAt: string;
  updatedAt: string | null;
}

export async function publicLinkbacks(server: TestServer, slug: string): Promise<PublicLinkback[]> {
  const res = await server.gql<{
    post: {
      linkbackCount: number;
      linkbacks: { totalCount: number; edges: { node: PublicLinkback }[] };
    } | null;
  }>(POST_LINKBACKS, { slug });
  expect(res.errors).toBeUndefined();
  const { linkbackCount, linkbacks } = res.data!.post!;
  // Every suite's posts have fewer than a page of linkbacks: the counter must match the rows shown.
  expect(linkbackCount).toBe(linkbacks.edges.length);
  expect(linkbacks.totalCount).toBe(linkbackCount);
  return linkbacks.edges.map((e) => e.node);
}

export interface PingbackReceiver {
  /** The XML-RPC endpoint to advertise (X-Pingback or <link rel="pingback">). */
  url: string;
  /** pingback.ping calls received so far: [source, target]. */
  calls: string[][];
  /** The fault to answer with instead of success; null answers "Thanks!". */
  fault: { faultCode: number; faultString: string } | null;
  close(): Promise<void>;
}

/** Another blog's pingback endpoint on 127.0.0.1, built with the xmlrpc library (not our code). */
export async function startPingbackReceiver(): Promise<PingbackReceiver> {
  let server!: xmlrpc.Server;
  await new Promise<void>((resolve) => {
    server = xmlrpc.createServer({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const receiver: PingbackReceiver = {
    url: `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/`,
    calls: [],
    fault: null,
    close: () => new Promise((resolve) => server.httpServer.close(() => resolve())),
  };
  server.on(
    'pingback.ping',
    (_err: unknown, params: string[], reply: (e: unknown, v?: unknown) => void) => {
      receiver.calls.push(params);
      if (receiver.fault) reply(receiver.fault);
      else reply(null, 'Thanks!');
    },
  );
  return receiver;
}
