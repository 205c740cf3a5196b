import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  IncomingPingRow,
  LinkbackRow,
  OutgoingPingRow,
} from '../../src/modules/linkbacks/entities.js';
import { messages } from '../../src/modules/linkbacks/messages.js';
import { signedInUser, type SignedIn, type UserError } from '../support/editorial.js';
import { LOOPBACK_ENV, sendPingback, webmentionSettled } from '../support/linkbacks.js';
import { databaseKinds, startServer, type DbKind, type TestServer } from '../support/server.js';

// Two real Colloquy servers that ping each other over loopback HTTP: what one
// sends when an editor publishes, what the other verifies against the first
// one's server-rendered post page, and what readers then see.

const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const SITE_TITLE = 'Colloquy'; // the seed's site title, on both sites
const FINAL = new Set(['SENT', 'FAILED', 'NO_ENDPOINT', 'SKIPPED']);

const POST_FIELDS = 'id slug url status';
const CREATE_POST = `mutation($input: CreatePostInput!) {
  createPost(input: $input) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const PUBLISH_POST = `mutation($id: ID!) {
  publishPost(id: $id) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const QUEUE = `query($postId: ID) {
  linkbacks(status: PENDING, postId: $postId) { edges { node { id status kind sourceUrl title } } }
}`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateLinkbacks(ids: $ids, status: $status) { linkbacks { id status } errors { field code } }
}`;

interface Post {
  id: string;
  slug: string;
  url: string;
  status: string;
}
interface Site {
  server: TestServer;
  editor: SignedIn;
}

/** Calls `probe` until it returns a value (not undefined): at most 200 times, 50 ms apart. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A Colloquy site on its own fresh database, whose public URL is where it listens. */
async function startSite(kind: DbKind, name: string): Promise<Site> {
  const server = await startServer(kind, {
    env: LOOPBACK_ENV,
    configure: (c) => {
      c.jobs.worker = true;
      c.jobs.retryBaseMs = 50;
      c.jobs.maxAttempts = 2;
    },
  });
  // As main() does for PORT=0: the public URL is only known once listening.
  server.config.publicUrl = server.url;
  const editor = await signedInUser(server, `editor@${name}.example`, 'EDITOR');
  return { server, editor };
}

/** An editor writes a post and publishes it (GraphQL, as the admin app does). */
async function publish(site: Site, title: string, content: string): Promise<Post> {
  const created = await site.server.gqlAs<{ createPost: { post: Post; errors: UserError[] } }>(
    site.editor.token,
    CREATE_POST,
    { input: { title, content, contentFormat: 'HTML' } },
  );
  expect(created.data?.createPost.errors, created.raw).toEqual([]);
  const published = await site.server.gqlAs<{ publishPost: { post: Post; errors: UserError[] } }>(
    site.editor.token,
    PUBLISH_POST,
    { id: created.data!.createPost.post.id },
  );
  expect(published.data?.publishPost.errors, published.raw).toEqual([]);
  const post = published.data!.publishPost.post;
  expect(post).toMatchObject({ status: 'PUBLISHED', url: `${site.server.url}/posts/${post.slug}` });
  return post;
}

/** The post's outgoing pings once every one is final (they are queued when publishPost answers). */
function sentPings(site: Site, postId: string): Promise<OutgoingPingRow[]> {
  return eventually(`the outgoing pings of post ${postId}`, async () => {
    const rows = await site.server.app.services.linkbackSender.outgoingPings(Number(postId));
    return rows.every((r) => FINAL.has(r.status)) ? rows : undefined;
  });
}

function incomingFrom(site: Site, sourceUrl: string): Promise<IncomingPingRow[]> {
  return site.server
    .repo<IncomingPingRow>('IncomingPing')
    .find({ where: { sourceUrl }, order: { id: 'ASC' } });
}

function linkbacksFrom(site: Site, sourceUrl: string): Promise<LinkbackRow[]> {
  return site.server
    .repo<LinkbackRow>('Linkback')
    .find({ where: { sourceUrl }, order: { id: 'ASC' } });
}

/** The site's moderator approves the pending linkbacks from `sourceUrl` (GraphQL moderation API). */
async function approveFrom(site: Site, postId: number, sourceUrl: string): Promise<void> {
  const queue = await site.server.gqlAs<{
    linkbacks: { edges: { node: { id: string; sourceUrl: string } }[] };
  }>(site.editor.token, QUEUE, { postId: String(postId) });
  const ids = queue
    .data!.linkbacks.edges.filter((e) => e.node.sourceUrl === sourceUrl)
    .map((e) => e.node.id);
  expect(ids, queue.raw).toHaveLength(1);
  const approved = await site.server.gqlAs<{
    moderateLinkbacks: { linkbacks: { status: string }[]; errors: UserError[] };
  }>(site.editor.token, MODERATE, { ids, status: 'APPROVED' });
  expect(approved.data?.moderateLinkbacks, approved.raw).toEqual({
    linkbacks: [{ id: ids[0], status: 'APPROVED' }],
    errors: [],
  });
}

/** The Trackbacks/Pingbacks list of a post page as a reader gets it (a plain GET of its HTML). */
async function pageLinkbacks(site: Site, slug: string): Promise<{ href: string; text: string }[]> {
  const res = await fetch(`${site.server.url}/posts/${slug}`);
  expect(res.status).toBe(200);
  const page = await res.text();
  const section = /<section class="linkbacks"[^>]*>([\s\S]*?)<\/section>/.exec(page)?.[1];
  if (!section) return [];
  expect(section).toMatch(/<h2[^>]*>Trackbacks\/Pingbacks<\/h2>/);
  return [
    ...section.matchAll(/<li class="linkback"[^>]*>\s*<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g),
  ].map((m) => ({ href: m[1]!, text: m[2]! }));
}

describe.each(databaseKinds())('two Colloquy sites pinging each other on %s', (kind) => {
  let a: Site;
  let b: Site;
  /** B's seed post, which A links to. */
  let target: string;
  let targetId: number;

  beforeAll(async () => {
    [a, b] = await Promise.all([startSite(kind, 'a'), startSite(kind, 'b')]);
    target = `${b.server.url}/posts/${SEED_SLUG}`;
    targetId = (await b.server.app.services.posts.findPublishedBySlug(SEED_SLUG))!.id;
  });
  afterAll(async () => {
    await a?.server.close();
    await b?.server.close();
  });

  it('A publishes a post linking to B: A sends a webmention, B verifies it against the rendered page and shows it once approved', async () => {
    // B's post page advertises both protocols.
    const advertised = await fetch(target);
    expect(advertised.headers.get('link')).toBe(`<${b.server.url}/webmention>; rel="webmention"`);
    expect(advertised.headers.get('x-pingback')).toBe(`${b.server.url}/xmlrpc`);
    expect(await pageLinkbacks(b, SEED_SLUG)).toHaveLength(3); // the seed's approved pingbacks

    const source = await publish(
      a,
      'Reading site B',
      `<p>Site B wrote <a href="${target}">a fine post</a> about surgeries.</p>`,
    );

    // The sender picks one protocol per target, webmention first: no pingback as well.
    const [sent, ...more] = await sentPings(a, source.id);
    expect(more).toEqual([]);
    expect(sent).toMatchObject({
      targetUrl: target,
      endpoint: `${b.server.url}/webmention`,
      protocol: 'WEBMENTION',
      status: 'SENT',
      attempts: 1,
      lastError: null,
    });
    expect(sent!.lastResponse).toMatch(/^HTTP 201/);

    // B verified the webmention against A's server-rendered post page.
    const [ping, ...otherPings] = await eventually('B to verify the webmention', async () => {
      const rows = await incomingFrom(b, source.url);
      return rows.length > 0 && rows.every((r) => r.status !== 'QUEUED') ? rows : undefined;
    });
    expect(otherPings).toEqual([]);
    expect(ping).toMatchObject({
      kind: 'WEBMENTION',
      targetUrl: target,
      postId: targetId,
      status: 'ACCEPTED',
      result: 'CREATED',
      reason: messages.accepted,
    });
    const [stored, ...otherLinkbacks] = await linkbacksFrom(b, source.url);
    expect(otherLinkbacks).toEqual([]);
    expect(stored).toMatchObject({
      id: ping!.linkbackId,
      postId: targetId,
      kind: 'WEBMENTION',
      targetUrl: target,
      status: 'PENDING',
      title: `Reading site B — ${SITE_TITLE}`,
      // From the h-entry of A's page: its author's h-card, a plain mention.
      authorName: 'Editor User',
      mentionType: 'MENTION',
    });
    expect(stored!.excerpt).toContain('Site B wrote a fine post about surgeries.');

    // B stores one linkback per source and post: a pingback as well would only be "already registered".
    expect(await sendPingback(b.server, source.url, target)).toMatchObject({
      ok: false,
      faultCode: 48,
    });
    expect(await linkbacksFrom(b, source.url)).toHaveLength(1);

    // Readers see it only once B's moderator approves it.
    expect((await pageLinkbacks(b, SEED_SLUG)).map((l) => l.href)).not.toContain(source.url);
    await approveFrom(b, targetId, source.url);
    const shown = await pageLinkbacks(b, SEED_SLUG);
    expect(shown).toHaveLength(4);
    expect(shown).toContainEqual({ href: source.url, text: `Reading site B — ${SITE_TITLE}` });
  });

  it('a post on A linking to another post on A: the sender leaves it out; a pingback verifies and shows once approved', async () => {
    const first = await publish(a, 'The first A post', '<p>Nothing to link to yet.</p>');
    const second = await publish(
      a,
      'The second A post',
      `<p>Following up on <a href="${first.url}">my first post</a> here.</p>`,
    );
    const firstId = Number(first.id);
    // Links to the site's own pages are not pinged (docs/linkbacks.md, Sending).
    expect(await sentPings(a, second.id)).toEqual([]);

    // A's own pingback endpoint verifies its own page (as WordPress's self-pings do).
    expect(await sendPingback(a.server, second.url, first.url)).toEqual({
      ok: true,
      value: messages.pingbackRegistered(second.url, first.url),
    });
    expect(await incomingFrom(a, second.url)).toMatchObject([
      { kind: 'PINGBACK', postId: firstId, status: 'ACCEPTED', result: 'CREATED' },
    ]);
    const [stored, ...others] = await linkbacksFrom(a, second.url);
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      postId: firstId,
      kind: 'PINGBACK',
      targetUrl: first.url,
      status: 'PENDING',
      title: `The second A post — ${SITE_TITLE}`,
    });
    expect(stored!.excerpt).toContain('Following up on my first post here.');

    expect(await pageLinkbacks(a, first.slug)).toEqual([]);
    await approveFrom(a, firstId, second.url);
    expect(await pageLinkbacks(a, first.slug)).toEqual([
      { href: second.url, text: `The second A post — ${SITE_TITLE}` },
    ]);
  });

  it('negative control: a post on A that does not link to B, pinged to B by hand, is rejected by both protocols', async () => {
    const source = await publish(
      a,
      'Not about site B',
      `<p>Only a link to <a href="${a.server.url}/">my own home page</a>.</p>`,
    );
    expect(await sentPings(a, source.id)).toEqual([]);

    const status = await webmentionSettled(b.server, source.url, target);
    expect(status).toMatchObject({ status: 'rejected', result: null, reason: messages.noLink });
    expect(await sendPingback(b.server, source.url, target)).toEqual({
      ok: false,
      faultCode: 17,
      faultString: messages.noLink,
    });

    expect(await incomingFrom(b, source.url)).toMatchObject([
      { kind: 'WEBMENTION', status: 'REJECTED', reason: messages.noLink },
      { kind: 'PINGBACK', status: 'REJECTED', reason: messages.noLink },
    ]);
    expect(await linkbacksFrom(b, source.url)).toEqual([]);
    expect((await pageLinkbacks(b, SEED_SLUG)).map((l) => l.href)).not.toContain(source.url);
  });
});
