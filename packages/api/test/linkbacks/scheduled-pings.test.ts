import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import type { OutgoingPingRow } from '../../src/modules/linkbacks/entities.js';
import { POST_LIVE_JOB } from '../../src/modules/posts/operations/going-live.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import { createUser, TEST_PASSWORD } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import {
  LOOPBACK_ENV,
  startPingbackReceiver,
  type PingbackReceiver,
} from '../support/linkbacks.js';
import { preparedDatabase, spawnServer, type ServerProcess } from '../support/process.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

// A scheduled post sends its pings when its time comes: from the job queued
// with the schedule, run by one worker, once, whatever happened to the
// schedule in between.

const FINAL = new Set(['SENT', 'FAILED', 'NO_ENDPOINT', 'SKIPPED']);
/** How far ahead the tests schedule: long enough to change the schedule first. */
const AHEAD_MS = 1500;

type Gql = (
  query: string,
  variables?: Record<string, unknown>,
) => Promise<{ data?: Record<string, unknown>; raw: string }>;

function gqlAt(base: string, token?: string): Gql {
  return async (query, variables) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const raw = await res.text();
    return { raw, data: (JSON.parse(raw) as { data?: Record<string, unknown> }).data };
  };
}

async function signIn(base: string, email: string): Promise<string> {
  const res = await gqlAt(base)(
    'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }',
    { e: email, p: TEST_PASSWORD },
  );
  const token = (res.data?.signIn as { token: string | null } | undefined)?.token;
  if (!token) throw new Error(`sign-in failed: ${res.raw}`);
  return token;
}

interface Payload<T> {
  post: T | null;
  errors: { field: string | null; code: string; message: string }[];
}
interface EditorPost {
  id: string;
  slug: string;
  status: string;
  publishedAt: string | null;
}
const FIELDS = 'post { id slug status publishedAt } errors { field code message }';

/** The editorial API as an editor uses it, through one server. */
function editor(gql: Gql) {
  async function call(name: string, query: string, variables: Record<string, unknown>) {
    const res = await gql(query, variables);
    const payload = res.data?.[name] as Payload<EditorPost> | undefined;
    expect(payload?.errors, res.raw).toEqual([]);
    return payload!.post!;
  }
  return {
    create: (title: string, content: string) =>
      call(
        'createPost',
        `mutation($input: CreatePostInput!) { createPost(input: $input) { ${FIELDS} } }`,
        { input: { title, content, contentFormat: 'HTML' } },
      ),
    publish: (id: string, at: Date | null) =>
      call(
        'publishPost',
        `mutation($id: ID!, $at: DateTime) { publishPost(id: $id, publishAt: $at) { ${FIELDS} } }`,
        { id, at: at?.toISOString() ?? null },
      ),
    unpublish: (id: string) =>
      call('unpublishPost', `mutation($id: ID!) { unpublishPost(id: $id) { ${FIELDS} } }`, { id }),
    trash: (id: string) =>
      call('trashPost', `mutation($id: ID!) { trashPost(id: $id) { ${FIELDS} } }`, { id }),
  };
}

/**
 * Another blog: a page that takes webmentions (`/wm/page`, endpoint
 * `/wm/endpoint`) and one that takes pingbacks (`/pb/page`, at `pingbacks`).
 */
interface TargetBlog {
  site: FixtureSite;
  pingbacks: PingbackReceiver;
  webmentionPage: string;
  pingbackPage: string;
  /** The webmentions received from `source`. */
  webmentionsFrom(source: string): number;
  /** The pingbacks received from `source`. */
  pingbacksFrom(source: string): number;
  /** The time each ping from `source` arrived (epoch ms). */
  arrivals: Map<string, number[]>;
  close(): Promise<void>;
}

async function startTargetBlog(): Promise<TargetBlog> {
  const site = await startFixtureSite();
  const pingbacks = await startPingbackReceiver();
  const arrivals = new Map<string, number[]>();
  const arrived = (source: string) =>
    arrivals.set(source, [...(arrivals.get(source) ?? []), Date.now()]);
  site.route('/wm/page', html('<link rel="webmention" href="/wm/endpoint"><p>A page.</p>'));
  site.route('/wm/endpoint', (_req, res, body) => {
    arrived(new URLSearchParams(body).get('source') ?? '');
    res.writeHead(202, { 'content-type': 'text/plain' });
    res.end('Accepted');
  });
  site.route('/pb/page', html('<p>Another page.</p>', { 'x-pingback': pingbacks.url }));
  return {
    site,
    pingbacks,
    webmentionPage: `${site.origin}/wm/page`,
    pingbackPage: `${site.origin}/pb/page`,
    webmentionsFrom: (source) =>
      site.requests.filter(
        (r) =>
          r.method === 'POST' &&
          r.path === '/wm/endpoint' &&
          new URLSearchParams(r.body).get('source') === source,
      ).length,
    pingbacksFrom: (source) => pingbacks.calls.filter(([s]) => s === source).length,
    arrivals,
    close: async () => {
      await site.close();
      await pingbacks.close();
    },
  };
}

/** A post's content that links to both pages of the target blog. */
const linksTo = (blog: TargetBlog) =>
  `<p>See <a href="${blog.webmentionPage}">this</a> and <a href="${blog.pingbackPage}">that</a>.</p>`;

const sleepUntil = (time: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));

describe.each(databaseKinds())('scheduled posts ping when they go live, on %s', (kind) => {
  let server: TestServer;
  let blog: TargetBlog;
  let api: ReturnType<typeof editor>;
  let titles = 0;

  beforeAll(async () => {
    server = await startServer(kind, { env: LOOPBACK_ENV });
    blog = await startTargetBlog();
    await createUser(server.db, { email: 'scheduler@example.com', role: 'EDITOR' });
    api = editor(gqlAt(server.url, await signIn(server.url, 'scheduler@example.com')));
  });
  afterAll(async () => {
    await blog?.close();
    await server?.close();
  });
  beforeEach(() => blog.arrivals.clear());

  const sourceOf = (post: EditorPost) => `${TEST_PUBLIC_URL}/posts/${post.slug}`;
  const pings = (post: EditorPost) =>
    server.app.services.linkbackSender.outgoingPings(Number(post.id));
  const liveJobs = (post: EditorPost) =>
    server
      .repo<JobRow>('Job')
      .find({ where: { kind: POST_LIVE_JOB, dedupeKey: `${POST_LIVE_JOB}:${post.id}` } });

  async function draft(): Promise<EditorPost> {
    return api.create(`Scheduled ${++titles}`, linksTo(blog));
  }

  /** Waits until both pings of the post are final, then for the worker to have nothing due. */
  async function settled(post: EditorPost): Promise<OutgoingPingRow[]> {
    let rows: OutgoingPingRow[] = [];
    await eventually(`the pings of post ${post.id}`, async () => {
      rows = await pings(post);
      return rows.length === 2 && rows.every((r) => FINAL.has(r.status));
    });
    await server.app.jobWorker.whenIdle();
    return rows;
  }

  /** Lets the time `at` pass and the worker settle: a job due then has run (or there was none). */
  async function past(at: Date): Promise<void> {
    await sleepUntil(at.getTime() + 50);
    await eventually('no due job left', async () => {
      const due = await server
        .repo<JobRow>('Job')
        .createQueryBuilder('j')
        .where("j.status IN ('queued', 'running')")
        .getMany();
      return due.every((j) => j.runAt.getTime() > Date.now());
    });
    await server.app.jobWorker.whenIdle();
  }

  it('sends one webmention and one pingback at the time, none before', async () => {
    const post = await draft();
    const at = new Date(Date.now() + AHEAD_MS);
    const scheduled = await api.publish(post.id, at);
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', publishedAt: at.toISOString() });
    // Queued with the schedule, for its time; nothing sent yet.
    expect(await liveJobs(post)).toMatchObject([{ status: 'queued' }]);
    expect((await liveJobs(post))[0]!.runAt.getTime()).toBe(at.getTime());
    expect(await pings(post)).toEqual([]);

    const rows = await settled(post);
    expect(rows.map((r) => [r.targetUrl, r.protocol, r.status])).toEqual([
      [blog.webmentionPage, 'WEBMENTION', 'SENT'],
      [blog.pingbackPage, 'PINGBACK', 'SENT'],
    ]);
    // Sent once the post was live, not before.
    expect(blog.arrivals.get(sourceOf(post))!.every((t) => t >= at.getTime())).toBe(true);
    expect(blog.pingbacks.calls.filter(([s]) => s === sourceOf(post))).toEqual([
      [sourceOf(post), blog.pingbackPage],
    ]);
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(1);
    expect(await liveJobs(post)).toMatchObject([{ status: 'done', attempts: 1 }]);
  });

  it('sends at the new time only when the post is rescheduled', async () => {
    const post = await draft();
    const first = new Date(Date.now() + AHEAD_MS);
    await api.publish(post.id, first);
    const second = new Date(first.getTime() + AHEAD_MS);
    await api.publish(post.id, second);
    // One job waits, for the new time: the first one was replaced.
    const jobs = await liveJobs(post);
    expect(jobs.map((j) => [j.status, j.runAt.getTime()])).toEqual([['queued', second.getTime()]]);

    await past(first);
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(0);
    expect(await pings(post)).toEqual([]);

    await settled(post);
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(1);
    expect(blog.pingbacksFrom(sourceOf(post))).toBe(1);
    expect(blog.arrivals.get(sourceOf(post))!.every((t) => t >= second.getTime())).toBe(true);
  });

  it('sends nothing when the post is unpublished or trashed before its time', async () => {
    const unpublished = await draft();
    const trashed = await draft();
    const at = new Date(Date.now() + AHEAD_MS);
    await api.publish(unpublished.id, at);
    await api.publish(trashed.id, at);
    expect(await api.unpublish(unpublished.id)).toMatchObject({ status: 'DRAFT' });
    expect(await api.trash(trashed.id)).toMatchObject({ status: 'TRASH' });
    // Their jobs are gone with the schedule.
    expect(await liveJobs(unpublished)).toEqual([]);
    expect(await liveJobs(trashed)).toEqual([]);

    await past(at);
    for (const post of [unpublished, trashed]) {
      expect(await pings(post)).toEqual([]);
      expect(blog.webmentionsFrom(sourceOf(post))).toBe(0);
      expect(blog.pingbacksFrom(sourceOf(post))).toBe(0);
    }
  });

  it('sends once when a scheduled post is published now instead, and not again at the old time', async () => {
    const post = await draft();
    const at = new Date(Date.now() + AHEAD_MS);
    await api.publish(post.id, at);
    const now = await api.publish(post.id, null);
    expect(now.status).toBe('PUBLISHED');
    expect(Date.parse(now.publishedAt!)).toBeLessThan(at.getTime());
    expect(await liveJobs(post)).toEqual([]);
    await settled(post);
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(1);

    await past(at);
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(1);
    expect(blog.pingbacksFrom(sourceOf(post))).toBe(1);
    expect((await pings(post)).map((r) => r.attempts)).toEqual([1, 1]);
  });

  it('a job of an earlier schedule, already claimed when the schedule changed, sends nothing', async () => {
    // The post went live at its new time and pinged; then the worker runs the job of the
    // schedule it had before (claimed before the change, so the change could not cancel it).
    const post = await draft();
    await api.publish(post.id, new Date(Date.now() + AHEAD_MS));
    await settled(post);
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(1);
    const stale = await server.app.services.jobs.enqueue(POST_LIVE_JOB, {
      postId: Number(post.id),
      publishedAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await eventually('the stale job to have run', async () => {
      return (await server.app.services.jobs.find(stale.id))?.status === 'done';
    });
    await server.app.jobWorker.whenIdle();
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(1);
    expect(blog.pingbacksFrom(sourceOf(post))).toBe(1);
    expect((await pings(post)).map((r) => r.attempts)).toEqual([1, 1]);
  });

  it('two publications of one post at once send each ping once', async () => {
    const post = await draft();
    const results = await Promise.all([api.publish(post.id, null), api.publish(post.id, null)]);
    expect(results.map((r) => r.status)).toEqual(['PUBLISHED', 'PUBLISHED']);
    // The second kept the first one's date.
    expect(results[0]!.publishedAt).toBe(results[1]!.publishedAt);
    const rows = await settled(post);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['SENT', 1],
      ['SENT', 1],
    ]);
    expect(blog.webmentionsFrom(sourceOf(post))).toBe(1);
    expect(blog.pingbacksFrom(sourceOf(post))).toBe(1);
    const sends = await server.repo<JobRow>('Job').find({ where: { kind: 'ping.send' } });
    const ids = new Set(rows.map((r) => r.id));
    expect(
      sends.filter((j) =>
        ids.has((JSON.parse(j.payload) as { outgoingPingId: number }).outgoingPingId),
      ),
    ).toHaveLength(2);
  });
});

/**
 * Several server processes on one database, each with a job worker: the
 * queue's claim (one writer at a time on SQLite, FOR UPDATE SKIP LOCKED on
 * PostgreSQL) lets one of them announce each post, once.
 */
describe.each(databaseKinds())('scheduled pings with two server processes on %s', (kind) => {
  let servers: ServerProcess[] = [];
  let blog: TargetBlog;
  let drop: () => Promise<void>;
  let editors: ReturnType<typeof editor>[] = [];

  beforeAll(async () => {
    const fresh = await preparedDatabase(kind, (db) =>
      createUser(db, { email: 'editor@example.com', role: 'EDITOR' }),
    );
    drop = fresh.drop;
    blog = await startTargetBlog();
    const env = {
      ...LOOPBACK_ENV,
      // One public URL for both, so that every ping names the post alike.
      PUBLIC_URL: TEST_PUBLIC_URL,
      // SQLite: each worker also looks for the other process's jobs every second.
      JOB_SQLITE_POLL_SECONDS: '1',
    };
    servers = await Promise.all([spawnServer(fresh.db, { env }), spawnServer(fresh.db, { env })]);
    editors = await Promise.all(
      servers.map(async (s) => editor(gqlAt(s.url, await signIn(s.url, 'editor@example.com')))),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await blog?.close();
    await drop?.();
  });

  it('sends each scheduled post’s pings once, from one of the processes', async () => {
    const at = new Date(Date.now() + AHEAD_MS + 1000);
    const posts: EditorPost[] = [];
    // Four posts due at the same moment, scheduled through either process.
    for (let i = 0; i < 4; i++) {
      const api = editors[i % 2]!;
      const post = await api.create(`Both processes ${i}`, linksTo(blog));
      expect(await api.publish(post.id, at)).toMatchObject({ status: 'SCHEDULED' });
      posts.push(post);
    }
    // One of them rescheduled through the other process: its first time must not count.
    const later = new Date(at.getTime() + 500);
    await editors[1]!.publish(posts[0]!.id, later);

    const sources = posts.map((p) => `${TEST_PUBLIC_URL}/posts/${p.slug}`);
    await eventually('every post’s pings', () =>
      sources.every((s) => blog.webmentionsFrom(s) >= 1 && blog.pingbacksFrom(s) >= 1),
    );
    // Give a second sender, if there were one, the time to be heard: past the latest schedule,
    // and past one SQLite poll of each process.
    await sleepUntil(Date.now() + 1500);
    expect(sources.map((s) => [blog.webmentionsFrom(s), blog.pingbacksFrom(s)])).toEqual(
      sources.map(() => [1, 1]),
    );
    expect(blog.arrivals.get(sources[0]!)!.every((t) => t >= later.getTime())).toBe(true);
    for (const s of servers) expect(s.output()).not.toMatch(/job failed|SQL error/);
  }, 60_000);

  it('publishing one post through both processes at once sends each ping once', async () => {
    const post = await editors[0]!.create('Published twice at once', linksTo(blog));
    const results = await Promise.all(editors.map((api) => api.publish(post.id, null)));
    expect(results.map((r) => r.status)).toEqual(['PUBLISHED', 'PUBLISHED']);
    expect(results[0]!.publishedAt).toBe(results[1]!.publishedAt);
    const source = `${TEST_PUBLIC_URL}/posts/${post.slug}`;
    await eventually(
      'the pings',
      () => blog.webmentionsFrom(source) >= 1 && blog.pingbacksFrom(source) >= 1,
    );
    // Time for a second send, if one had been queued, to arrive (SQLite: a poll of the other process).
    await sleepUntil(Date.now() + 1500);
    expect([blog.webmentionsFrom(source), blog.pingbacksFrom(source)]).toEqual([1, 1]);
    for (const s of servers) expect(s.output()).not.toMatch(/job failed|SQL error/);
  }, 30_000);
});
