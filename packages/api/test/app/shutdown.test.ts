import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import { tables } from '../../src/modules/index.js';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import {
  prepareDatabase,
  runBounded,
  spawnServer,
  submission,
  type ServerProcess,
} from '../support/process.js';
import { databaseKinds, freshDatabase } from '../support/server.js';

// Graceful shutdown, in the real server's own process, over real HTTP: SIGTERM
// in the middle of a stream of comment submissions on keep-alive connections.

/**
 * What became of one request: a whole answer; a connection refused (nothing
 * sent); a connection closed before any byte of an answer (the request was
 * written on a kept-alive connection the server had just closed as idle); or
 * an answer cut off after it began (what graceful shutdown must never do).
 */
type Outcome =
  | { kind: 'answered'; status: number; body: string; connection: string | undefined }
  | { kind: 'refused' }
  | { kind: 'unanswered'; code: string }
  | { kind: 'cut'; code: string };

function post(agent: http.Agent, url: string, body: string): Promise<Outcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answered = false;
    const req = http.request(
      {
        agent,
        host: hostname,
        port,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            kind: 'answered',
            status: res.statusCode!,
            body: text,
            connection: res.headers.connection,
          }),
        );
        res.on('aborted', () => resolve({ kind: 'cut', code: 'aborted' }));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ kind: 'cut', code: error.code ?? error.message }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      if (answered) resolve({ kind: 'cut', code });
      else resolve(code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'unanswered', code });
    });
    req.end(body);
  });
}

function commentId(outcome: Outcome): number | null {
  if (outcome.kind !== 'answered' || outcome.status < 200 || outcome.status > 299) return null;
  const parsed = JSON.parse(outcome.body) as {
    data?: { submitComment: { comment: { id: string } | null; errors: unknown[] } };
  };
  const payload = parsed.data?.submitComment;
  return payload?.comment && payload.errors.length === 0 ? Number(payload.comment.id) : null;
}

/** A raw connection, to hold a request half-sent across the signal. */
interface RawConnection {
  write(text: string): void;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

async function connect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received));
    socket.on('error', () => {});
  });
  return { write: (text) => void socket.write(text), closed };
}

/** True once a new connection to `url` is refused (the server stopped listening); polls, bounded. */
async function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  for (let attempt = 0; attempt < 100; attempt++) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !predicate(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!predicate()) throw new Error(`timed out waiting for ${what}`);
}

async function storedComments(db: DatabaseConfig): Promise<CommentRow[]> {
  const database = await openDatabase(createDatabase(db, { tables }));
  try {
    return await database.read.getRepository<CommentRow>('Comment').find();
  } finally {
    await database.close();
  }
}

function statusLine(response: string): string {
  return response.split('\r\n')[0] ?? '';
}

describe.each(databaseKinds())('graceful shutdown on %s', (kind) => {
  let db: DatabaseConfig;
  let drop: () => Promise<void>;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    ({ db, drop } = await freshDatabase(kind));
    await prepareDatabase(db);
  });
  afterAll(async () => {
    await server?.kill9();
    await drop?.();
  });

  it('on SIGTERM during a stream of submissions, answers every request it took, stores every acknowledged comment and exits 0', async () => {
    server = await spawnServer(db);
    const { url } = server;
    const tag = `shutdown-${kind}`;

    // Held across the signal: a submission whose body is half sent (in
    // progress when the signal comes), and a connection that has sent part
    // of a request's head (busy, so not closed as idle).
    const inFlight = submission(`${tag}-held`, 0);
    const held = await connect(url);
    const half = Math.floor(inFlight.body.length / 2);
    held.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(inFlight.body)}\r\n\r\n${inFlight.body.slice(0, half)}`,
    );
    const late = await connect(url);
    late.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // A round trip on another connection: the server has read both by now.
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const outcomes: { content: string; outcome: Outcome }[] = [];
    let signalled = false;
    const stream = runBounded(600, 8, Date.now() + 60_000, async (i) => {
      const { body, content } = submission(tag, i);
      const outcome = await post(agent, url, body);
      outcomes.push({ content, outcome });
      if (!signalled && outcomes.filter((o) => commentId(o.outcome) !== null).length >= 100) {
        signalled = true;
        server!.signal('SIGTERM');
      }
    });

    await until(() => signalled, 'the signal');
    await until(() => /SIGTERM received, shutting down/.test(server!.output()), 'the shutdown');
    expect(await refusesConnections(url)).toBe(true);
    // Both arrive after shutdown began: the held submission is finished and
    // stored; the late request gets an answer, not a reset.
    held.write(inFlight.body.slice(half));
    late.write('\r\n');
    const [heldResponse, lateResponse] = await Promise.all([held.closed, late.closed]);
    expect(statusLine(heldResponse)).toBe('HTTP/1.1 200 OK');
    expect(heldResponse).toMatch(/\r\nconnection: close\r\n/i);
    const heldId = Number(/"comment":\{"id":"(\d+)"\}/.exec(heldResponse)?.[1]);
    expect(heldId).toBeGreaterThan(0);
    expect(statusLine(lateResponse)).toBe('HTTP/1.1 503 Service Unavailable');

    const attempted = await stream;
    agent.destroy();
    const exit = await server.exited;
    const output = server.output();
    server = undefined;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output.trimEnd().split('\n').at(-1)).toBe('colloquy: shut down cleanly');

    const count = (k: Outcome['kind']) => outcomes.filter((o) => o.outcome.kind === k).length;
    expect(outcomes.length).toBe(attempted);
    expect(count('cut')).toBe(0);
    // Every request was answered, refused, or never read; the signal came mid-stream.
    expect(count('answered') + count('refused') + count('unanswered')).toBe(attempted);
    expect(count('refused')).toBeGreaterThan(0);
    expect(count('answered')).toBeGreaterThanOrEqual(100);

    const stored = await storedComments(db);
    const byId = new Map(stored.map((row) => [row.id, row.contentText]));
    const acknowledged = outcomes.flatMap((o) => {
      const id = commentId(o.outcome);
      return id === null ? [] : [{ id, content: o.content }];
    });
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
    expect(acknowledged.filter((a) => byId.get(a.id) !== a.content)).toEqual([]);
    expect(byId.get(heldId)).toBe(inFlight.content);
    // What got no answer was not taken: none of it is stored.
    const storedContents = new Set(stored.map((row) => row.contentText));
    const unanswered = outcomes.filter((o) => o.outcome.kind !== 'answered');
    expect(unanswered.filter((o) => storedContents.has(o.content))).toEqual([]);
    // And nothing was stored that was not acknowledged (the 503s and refusals wrote nothing).
    const ours = stored.filter((row) => row.contentText.startsWith(tag));
    expect(ours.map((row) => row.id).sort((a, b) => a - b)).toEqual(
      [...acknowledged.map((a) => a.id), heldId].sort((a, b) => a - b),
    );
  }, 120_000);

  it('lets the job in progress finish before it exits: a webmention whose source answers after the signal is stored', async () => {
    // The source page, held until the test lets it answer.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = false;
    let target = '';
    const source = http.createServer((_req, res) => {
      asked = true;
      void gate.then(() =>
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><title>A reply</title><p>About <a href="${target}">this post</a>.</p>`,
          ),
      );
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    const sourceUrl = `http://127.0.0.1:${(source.address() as { port: number }).port}/reply`;
    try {
      server = await spawnServer(db, { env: { COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH: '1' } });
      target = `${server.url}/posts/social-media-surgery-for-mental-health-smsmhealth`;
      const sent = await fetch(`${server.url}/webmention`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ source: sourceUrl, target }).toString(),
      });
      expect(sent.status).toBe(201);
      // The worker has claimed the job and is fetching the source: now the signal.
      await until(() => asked, 'the job to fetch the source');
      server.signal('SIGTERM');
      await until(() => /SIGTERM received, shutting down/.test(server!.output()), 'the shutdown');
      expect(await refusesConnections(server.url)).toBe(true);
      release();
      const exit = await server.exited;
      const output = server.output();
      server = undefined;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(output.trimEnd().split('\n').at(-1)).toBe('colloquy: shut down cleanly');
    } finally {
      release();
      await new Promise<void>((resolve) => source.close(() => resolve()));
    }
    // The job ran to its end in the stopping process: the mention is stored, the job done.
    const database = await openDatabase(createDatabase(db, { tables }));
    try {
      const stored = (await database.read.query(
        database.kind === 'sqlite'
          ? 'SELECT status FROM linkbacks WHERE source_url = ?'
          : 'SELECT status FROM linkbacks WHERE source_url = $1',
        [sourceUrl],
      )) as { status: string }[];
      expect(stored.map((r) => r.status)).toEqual(['PENDING']);
      const jobs = (await database.read.query(
        "SELECT status FROM jobs WHERE kind LIKE 'webmention%' ORDER BY id DESC",
      )) as { status: string }[];
      expect(jobs[0]?.status).toBe('done');
    } finally {
      await database.close();
    }
  }, 60_000);

  /** A submission whose body never finishes: it holds the shutdown up. */
  async function stuckRequest(url: string): Promise<RawConnection> {
    const stuck = await connect(url);
    stuck.write(
      'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000\r\n\r\n{"query":',
    );
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    return stuck;
  }

  // Bounds of the process itself, not of a database: once is enough.
  // Registered only there, so that the other database's run reports no skip.
  if (kind === 'sqlite')
    it('closes the connections still busy after SHUTDOWN_TIMEOUT_SECONDS and exits 1', async () => {
      server = await spawnServer(db, { env: { SHUTDOWN_TIMEOUT_SECONDS: '1' } });
      const stuck = await stuckRequest(server.url);
      server.signal('SIGTERM');
      expect(await stuck.closed).toBe('');
      const exit = await server.exited;
      const output = server.output();
      server = undefined;
      expect(exit).toEqual({ code: 1, signal: null });
      expect(output).toContain('colloquy: 1 connection(s) still busy after 1 s, closing them');
      expect(output.trimEnd().split('\n').at(-1)).toBe(
        'colloquy: shut down (after closing connections whose requests had not finished)',
      );
    }, 60_000);

  // Registered only there, so that the other database's run reports no skip.
  if (kind === 'sqlite')
    it('exits at once, with 128 + the signal number, on a second signal', async () => {
      server = await spawnServer(db, { env: { SHUTDOWN_TIMEOUT_SECONDS: '3600' } });
      const stuck = await stuckRequest(server.url);
      server.signal('SIGTERM');
      await until(() => /SIGTERM received, shutting down/.test(server!.output()), 'the shutdown');
      server.signal('SIGINT');
      const exit = await server.exited;
      const output = server.output();
      server = undefined;
      expect(exit).toEqual({ code: 130, signal: null });
      expect(output).toContain('colloquy: SIGINT received again, exiting without waiting');
      expect(await stuck.closed).toBe('');
    }, 60_000);
});
