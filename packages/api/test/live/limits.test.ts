import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { insertComment, insertPost } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import {
  COMMENT_ADDED,
  QUEUE_CHANGED,
  liveClient,
  record,
  subscriptions,
  type LiveClient,
} from '../support/live.js';
import { capturedLog, databaseKinds, startServer, type TestServer } from '../support/server.js';

const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateComments(ids: $ids, status: $status) {
  comments { id } errors { code } } }`;

/** A graphql-transport-ws socket spoken by hand, for what a well-behaved client would not do. */
async function rawSocket(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<{ ws: WebSocket; messages: { type: string; id?: string }[] }> {
  const ws = new WebSocket(
    `${url.replace(/^http/, 'ws')}/graphql`,
    'graphql-transport-ws',
    options,
  );
  const messages: { type: string; id?: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as { type: string }));
  await once(ws, 'open');
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await eventually('connection_ack', () => messages.some((m) => m.type === 'connection_ack'));
  return { ws, messages };
}

/** Why an upgrade was refused: the HTTP status, or null when the socket opened. */
async function upgradeStatus(url: string): Promise<{ status: number | null; ws: WebSocket }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: null, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.once('error', () => {});
  });
}

describe.each(databaseKinds())('live limits on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;
  const clients: LiveClient[] = [];
  const sockets: WebSocket[] = [];
  let slugs = 0;

  const log = capturedLog();
  const limits = {
    maxConnectionsPerIp: 3,
    maxSubscriptionsPerConnection: 40,
    // Long here: a client that stops reading stops answering pings too (see the ping test's own server).
    pingIntervalMs: 600_000,
    maxMessageBytes: 2048,
    maxBufferedBytes: 64 * 1024,
  };

  beforeAll(async () => {
    server = await startServer(kind, {
      logStream: log.stream,
      configure: (config) => void (config.live = limits),
    });
    editor = await signedInUser(server, 'limits-editor@example.org', 'EDITOR');
  });
  afterAll(async () => server?.close());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    for (const ws of sockets.splice(0)) ws.terminate();
    await eventually(
      'every socket closed',
      () => server.app.services.liveFeed.subscriptionCount === 0,
    );
    // The server counts a connection (against its address's limit) until it has seen it close.
    await eventually(
      'the server saw every socket close',
      () => server.app.liveConnections!() === 0,
    );
  });

  const open = () => {
    const live = liveClient(server.url);
    clients.push(live);
    return live;
  };

  /** `n` held comments on the post, `bytes` of content each; approving them is n live events. */
  async function heldComments(postId: number, n: number, bytes = 100): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const row: CommentRow = await insertComment(server.db, {
        postId,
        createdAt: new Date(Date.now() - 1000 + i),
        status: 'PENDING',
        contentHtml: `<p>${String(i).padEnd(bytes, '.')}</p>`,
      });
      ids.push(String(row.id));
    }
    return ids;
  }

  const approve = async (ids: string[]) => {
    const res = await server.gqlAs(editor.token, MODERATE, { ids, status: 'APPROVED' });
    expect(res.errors, res.raw).toBeUndefined();
  };

  it('refuses a client address its next connection past the limit (HTTP 429), and takes it once one closes', async () => {
    const held = [];
    for (let i = 0; i < 3; i++) {
      const { status, ws } = await upgradeStatus(server.url);
      expect(status).toBeNull();
      sockets.push(ws);
      held.push(ws);
    }
    const refused = await upgradeStatus(server.url);
    expect(refused.status).toBe(429);
    held[0]!.close();
    await once(held[0]!, 'close');
    await eventually('a connection slot again', async () => {
      const again = await upgradeStatus(server.url);
      if (again.status === null) sockets.push(again.ws);
      return again.status === null;
    });
  });

  it('refuses a subscription past the limit on one connection, and the others go on', async () => {
    const post = await insertPost(server.db, { slug: `limits-${++slugs}` });
    const live = open();
    const kept = Array.from({ length: 40 }, () =>
      record<{ id: string }>(live, COMMENT_ADDED, { postId: String(post.id) }),
    );
    await subscriptions(server.app.services.liveFeed, 40);
    const refused = record(live, COMMENT_ADDED, { postId: String(post.id) });
    expect(await refused.failed()).toEqual([
      expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }),
    ]);
    const [id] = await heldComments(post.id, 1);
    await approve([id!]);
    for (const k of kept) expect((await k.count(1)).map((c) => c.id)).toEqual([id]);
  });

  it('closes a socket that stops answering pings, and keeps one that answers', async () => {
    const own = await startServer(kind, {
      configure: (config) => void (config.live = { ...limits, pingIntervalMs: 100 }),
    });
    const deaf = await rawSocket(own.url, { autoPong: false });
    const healthy = await rawSocket(own.url);
    sockets.push(deaf.ws, healthy.ws);
    let pings = 0;
    healthy.ws.on('ping', () => pings++);
    const [code] = (await once(deaf.ws, 'close')) as [number];
    // Terminated, not closed politely: no close frame (1006).
    expect(code).toBe(1006);
    await eventually('several pings answered', () => pings >= 5);
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.ws.terminate();
    await own.close();
  });

  it("closes a moderator's socket (4401) at the next ping once their session is signed out", async () => {
    const own = await startServer(kind, {
      configure: (config) => void (config.live = { ...limits, pingIntervalMs: 100 }),
    });
    const moderator = await signedInUser(own, 'leaving@example.org', 'EDITOR');
    const live = liveClient(own.url, `Bearer ${moderator.token}`);
    record(live, QUEUE_CHANGED);
    await subscriptions(own.app.services.liveFeed, 1);
    const res = await own.gqlAs(moderator.token, 'mutation { signOut { signedOut } }');
    expect(res.errors, res.raw).toBeUndefined();
    const closed = await live.closed;
    expect(closed.code).toBe(4401);
    await subscriptions(own.app.services.liveFeed, 0);
    await own.close();
  });

  it('closes a socket that sends a message over the size limit (1009), and no other', async () => {
    const big = await rawSocket(server.url);
    const other = await rawSocket(server.url);
    sockets.push(big.ws, other.ws);
    big.ws.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `# ${'x'.repeat(3000)}` } }),
    );
    const [code] = (await once(big.ws, 'close')) as [number];
    expect(code).toBe(1009);
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('drops a client that does not read, while another on the same post hears everything', async () => {
    const post = await insertPost(server.db, { slug: `limits-${++slugs}` });
    const slow = await rawSocket(server.url);
    sockets.push(slow.ws);
    for (let i = 0; i < 40; i++)
      slow.ws.send(
        JSON.stringify({
          id: String(i),
          type: 'subscribe',
          payload: { query: COMMENT_ADDED, variables: { postId: String(post.id) } },
        }),
      );
    const reader = open();
    const heard = record<{ id: string }>(reader, COMMENT_ADDED, { postId: String(post.id) });
    await subscriptions(server.app.services.liveFeed, 41);
    // It stops reading: what is sent to it piles up in the server's buffer.
    slow.ws.pause();
    let closed = false;
    slow.ws.once('close', () => (closed = true));
    const approved: string[] = [];
    // Each round is 40 × 8 comments of 4 kB to the slow client; bounded by count and time.
    const deadline = Date.now() + 20_000;
    for (let round = 0; round < 20 && !closed && Date.now() < deadline; round++) {
      const ids = await heldComments(post.id, 8, 4000);
      await approve(ids);
      approved.push(...ids);
      await heard.count(approved.length);
      if (server.app.services.liveFeed.subscriptionCount === 1) break;
    }
    await eventually(
      'the slow client dropped',
      () => server.app.services.liveFeed.subscriptionCount === 1,
    );
    expect(log.text()).toContain('live client not reading, dropped');
    expect((await heard.count(approved.length)).map((c) => c.id)).toEqual(approved);
    // And the reader goes on hearing.
    const [next] = await heldComments(post.id, 1);
    await approve([next!]);
    expect((await heard.count(approved.length + 1)).at(-1)?.id).toBe(next);
  });

  it('closes every socket with 1001 on app.close(), without holding the shutdown', async () => {
    const own = await startServer(kind);
    {
      const live = liveClient(own.url);
      const post = await insertPost(own.db, { slug: 'closing' });
      record(live, COMMENT_ADDED, { postId: String(post.id) });
      await subscriptions(own.app.services.liveFeed, 1);
      const raw = await rawSocket(own.url, { autoPong: false });
      // A client that will not answer the close handshake either.
      raw.ws.pause();
      const started = Date.now();
      await own.close();
      // A safety bound, not a measurement: the shutdown does not wait out ws's 30 s close timeout.
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await live.closed).code).toBe(1001);
      expect(own.app.services.liveFeed.subscriptionCount).toBe(0);
      raw.ws.terminate();
    }
  });
});
