// `pnpm bench`: throughput, latency and SQL statements per request for what
// readers do most, on SQLite (and PostgreSQL when its binaries are present),
// plus the SPA bundle size. Every scenario is measured beside a bare
// node:http server answering the same bytes, in interleaved rounds, and
// reported as a ratio to it: this machine is shared, so only ratios from one
// run compare. Writes the figures to docs/benchmarks.md.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import * as prettier from 'prettier';
import type { DatabaseConfig } from '../src/config.js';
import { buildApp } from '../src/app.js';
import { loadConfig, parseDatabaseUrl } from '../src/config.js';
import { createDatabase, openDatabase, QueryCounter } from '../src/db/data-source.js';
import { SettingsStore } from '../src/db/settings.js';
import { DiscussionSettingsService } from '../src/modules/discussion/discussion-settings.service.js';
import { seedIfEmpty } from '../src/seed/seed.js';
import { findPgBin, startPgCluster } from '../test/support/postgres.js';
import { tables } from '../src/modules/index.js';
import type { Database } from '../src/db/database.js';
import {
  BASELINE_COMMENTS,
  BIG_SLUG,
  buildBigPost,
  checkPostPage,
  checkReplyPage,
  findDeepComment,
  pageOfThread,
  REPLY_PAGE,
  SEED_POST_ID,
} from './big-post.js';

const root = path.resolve(import.meta.dirname, '../../..');
const apiMain = path.resolve(import.meta.dirname, '../dist/main.js');
const webDist = path.resolve(import.meta.dirname, '../../web/dist');
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/** Rounds per scenario; each round loads the bare server, then Colloquy, for DURATION / ROUNDS seconds. */
const ROUNDS = 2;
/** An unmeasured load before each scenario's rounds, so that none is measured cold (JIT, caches). */
const WARMUP_SECONDS = 1;
/** Comments of the big post (BENCH_BIG_THREAD=100000 for a quicker run). */
const BIG_THREAD = Number(process.env.BENCH_BIG_THREAD ?? 1_000_000);
/** The goals of the big post (issue 9): latency within 1.5 × the 50-comment post's, memory within 50 MB. */
const LATENCY_GOAL = 1.5;
const RSS_GOAL_MB = 50;
const CONNECTIONS = 10;
const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const POST_PAGE = ['posts.graphql', 'comments.graphql']
  .map((f) => fs.readFileSync(path.join(root, 'packages/web/src/graphql', f), 'utf8'))
  .join('\n');
const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status errors { code } } }`;

/** What a load sends. */
type LoadRequest = Pick<Scenario, 'method' | 'path' | 'headers' | 'body'>;

interface Scenario {
  name: string;
  /** Against the server with the response cache on (the default) or off (COLLOQUY_CACHE=off). */
  cache: boolean;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const json = { 'content-type': 'application/json' };
const postPage = {
  method: 'POST' as const,
  path: '/graphql',
  headers: json,
  body: JSON.stringify({ query: POST_PAGE, operationName: 'PostPage', variables: { slug: SLUG } }),
};
const postPageHtml = {
  method: 'GET' as const,
  path: `/posts/${SLUG}`,
  headers: { accept: 'text/html' },
};
const scenarios: Scenario[] = [
  { name: 'PostPage query, cache on', cache: true, ...postPage },
  { name: 'PostPage query, cache off', cache: false, ...postPage },
  {
    name: 'PostList query, cache off',
    cache: false,
    method: 'POST',
    path: '/graphql',
    headers: json,
    body: JSON.stringify({ query: POST_PAGE, operationName: 'PostList', variables: { first: 10 } }),
  },
  { name: 'post page HTML (GET /posts/:slug), cache on', cache: true, ...postPageHtml },
  { name: 'post page HTML (GET /posts/:slug), cache off', cache: false, ...postPageHtml },
  {
    name: 'submit a comment (mutation)',
    cache: true,
    method: 'POST',
    path: '/graphql',
    headers: json,
    body: JSON.stringify({
      query: SUBMIT,
      variables: {
        input: {
          postId: '1',
          authorName: 'Bench',
          authorEmail: 'bench@example.org',
          content: 'A benchmark comment.',
        },
      },
    }),
  },
];

/**
 * Every comment request comes from one address with the same text, so the
 * flood and duplicate rules would refuse all but the first: they are turned
 * off, and the scenario measures storing a comment.
 */
async function allowRepeatedComments(db: DatabaseConfig): Promise<void> {
  const database = await openDatabase(createDatabase(db, { tables }));
  try {
    const settings = new SettingsStore({ db: database });
    const { errors } = await new DiscussionSettingsService({ settings }).update({
      minSecondsBetweenComments: 0,
      refuseDuplicates: false,
    });
    if (errors.length > 0) throw new Error(JSON.stringify(errors));
  } finally {
    await database.close();
  }
}

interface Row {
  db: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  bareRps: number;
  bareP50: number;
  bareP99: number;
  bytes: number;
  sql: number;
  errors: number;
}

/** The bare limit: node:http answering the bytes Colloquy answered, with nothing else to do. */
async function bareServer(
  body: Buffer,
  contentType: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What Colloquy answers for the scenario, byte for byte (one warm request). */
async function responseOf(url: string, s: LoadRequest): Promise<{ body: Buffer; type: string }> {
  const res = await fetch(url + s.path, { method: s.method, headers: s.headers, body: s.body });
  return {
    body: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type') ?? 'application/octet-stream',
  };
}

const mean = (values: number[]) =>
  Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
const ratio = (r: Pick<Row, 'rps' | 'bareRps'>) => (r.rps / r.bareRps).toFixed(4);

/** The app as the server builds it, in this process, on `database` (injected requests only). */
function inProcessApp(
  db: DatabaseConfig,
  database: Database,
  cache: boolean,
  env: Record<string, string> = {},
) {
  const all = { LOG_LEVEL: 'silent', PORT: '0', COLLOQUY_CACHE: cache ? 'on' : 'off', ...env };
  return buildApp({ config: { ...loadConfig(all), database: db }, db: database });
}

/** SQL statements one request costs, measured in-process with the same app. */
async function sqlPerRequest(db: DatabaseConfig): Promise<number[]> {
  await allowRepeatedComments(db);
  const counter = new QueryCounter();
  const database = createDatabase(db, { tables, counter });
  await openDatabase(database);
  await seedIfEmpty(database);
  const apps = {
    on: await inProcessApp(db, database, true),
    off: await inProcessApp(db, database, false),
  };
  const counts: number[] = [];
  for (const s of scenarios) {
    const app = s.cache ? apps.on : apps.off;
    const inject = () =>
      app.inject({ method: s.method, url: s.path, headers: s.headers, payload: s.body });
    await inject(); // warm-up (and, cache on, stored)
    const before = counter.count;
    await inject();
    counts.push(counter.count - before);
  }
  await apps.on.close();
  await apps.off.close();
  await database.close();
  return counts;
}

interface Server {
  url: string;
  /** The server process's resident memory, in MB. */
  rssMb: () => number;
  stop: () => Promise<void>;
}

async function startServer(
  databaseUrl: string,
  cache: boolean,
  env: Record<string, string> = {},
): Promise<Server> {
  const child = spawn(process.execPath, [apiMain], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      COLLOQUY_CACHE: cache ? 'on' : 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    url,
    rssMb: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (!kb) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
      return Math.round(Number(kb[1]) / 102.4) / 10;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * One load of a scenario, DURATION / ROUNDS seconds unless told otherwise.
 * With `expect`, every answer must be those bytes (result.mismatches counts
 * the others).
 */
async function load(
  url: string,
  s: LoadRequest,
  options: { seconds?: number; expect?: Buffer } = {},
) {
  return autocannon({
    url: url + s.path,
    method: s.method,
    headers: s.headers,
    body: s.body,
    connections: CONNECTIONS,
    // Bounded by time (autocannon ignores `duration` when `amount` is set).
    duration: options.seconds ?? DURATION / ROUNDS,
    ...(options.expect ? { expectBody: options.expect.toString('utf8') } : {}),
  });
}

/**
 * ROUNDS rounds of one load of each item, interleaved so that a change in
 * the machine's load hits all alike, every other round in reverse order so
 * that none always comes first. The results by item.
 */
async function rounds<T>(
  items: readonly T[],
  run: (item: T, index: number) => Promise<autocannon.Result>,
): Promise<autocannon.Result[][]> {
  const results: autocannon.Result[][] = items.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = items.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) results[i]!.push(await run(items[i]!, i));
  }
  return results;
}

/** The means of a scenario's loads. */
interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** Failed requests, non-2xx answers and answers other than the expected bytes. */
  errors: number;
}

function measured(results: autocannon.Result[]): Measured {
  return {
    rps: Math.round(mean(results.map((r) => r.requests.average))),
    p50: mean(results.map((r) => r.latency.p50)),
    p99: mean(results.map((r) => r.latency.p99)),
    errors: results.reduce((n, r) => n + r.errors + r.non2xx + r.mismatches, 0),
  };
}

interface Bench {
  rows: Row[];
  idle?: IdleWorker;
  big: BigPost;
}

async function benchDatabase(label: string, db: DatabaseConfig, url: string): Promise<Bench> {
  const sql = await sqlPerRequest(db);
  await allowRepeatedComments(parseDatabaseUrl(url, process.cwd()));
  // Both run a job worker, as `pnpm start` does: an idle one costs the reads nothing.
  const servers = { on: await startServer(url, true), off: await startServer(url, false) };
  const rows: Row[] = [];
  try {
    for (const [i, s] of scenarios.entries()) {
      const server = s.cache ? servers.on : servers.off;
      const writes = s.body?.startsWith('{"query":"mutation') ?? false;
      const before = writes ? await commentCount(url) : 0;
      const answer = await responseOf(server.url, s);
      const bare = await bareServer(answer.body, answer.type);
      const ours: autocannon.Result[] = [];
      const limit: autocannon.Result[] = [];
      // A write's every answer must be the first one (the comment held, no error).
      const expect = writes ? { expect: answer.body } : {};
      const warm = await (async () => {
        try {
          await load(bare.url, s, { seconds: WARMUP_SECONDS });
          const warmUp = await load(server.url, s, { seconds: WARMUP_SECONDS, ...expect });
          // Interleaved, so a change in the machine's load hits both alike.
          for (let round = 0; round < ROUNDS; round++) {
            limit.push(await load(bare.url, s));
            ours.push(await load(server.url, s, expect));
          }
          return warmUp;
        } finally {
          await bare.stop();
        }
      })();
      if (writes)
        await checkStored(label, s.name, await commentCount(url), before, [warm, ...ours]);
      const m = measured(ours);
      const b = measured(limit);
      const row: Row = {
        db: label,
        scenario: s.name,
        rps: m.rps,
        p50: m.p50,
        p99: m.p99,
        bareRps: b.rps,
        bareP50: b.p50,
        bareP99: b.p99,
        bytes: answer.body.length,
        sql: sql[i]!,
        errors: m.errors,
      };
      rows.push(row);
      console.log(
        `${label.padEnd(10)} ${s.name.padEnd(48)} ${String(row.rps).padStart(6)} req/s (${ratio(row)} × bare ${row.bareRps})  p50 ${row.p50} ms  p99 ${row.p99} ms  ${row.sql} SQL`,
      );
    }
    // Bounded to PostgreSQL for run time (on SQLite an idle worker looks for jobs every 30 s).
    const idle = db.kind === 'postgres' ? await idleWorker(label, url) : undefined;
    const big = await benchBigPost(label, parseDatabaseUrl(url, process.cwd()), servers.off);
    return { rows, idle, big };
  } finally {
    await servers.on.stop();
    await servers.off.stop();
  }
}

async function commentCount(url: string): Promise<number> {
  const database = await openDatabase(
    createDatabase(parseDatabaseUrl(url, process.cwd()), { tables }),
  );
  try {
    const [row] = (await database.read.query('SELECT COUNT(*) AS n FROM comments')) as [
      { n: number | string },
    ];
    return Number(row.n);
  } finally {
    await database.close();
  }
}

/**
 * Every comment acknowledged (a 2xx answer that is the expected one, and
 * the first request's) is stored: the comments table grew by at least that
 * many, and by no more than the requests still in flight when each load
 * stopped (sent, perhaps stored, never answered) could add.
 */
async function checkStored(
  label: string,
  name: string,
  after: number,
  before: number,
  loads: autocannon.Result[],
): Promise<void> {
  const acknowledged = 1 + loads.reduce((n, r) => n + r['2xx'] - r.mismatches, 0);
  const stored = after - before;
  const inFlight = CONNECTIONS * loads.length;
  if (stored < acknowledged || stored > acknowledged + inFlight)
    throw new Error(
      `${label} ${name}: ${acknowledged} comments acknowledged, ${stored} stored (at most ${inFlight} unanswered)`,
    );
  console.log(
    `${label.padEnd(10)} ${name.padEnd(48)} ${acknowledged} acknowledged, all stored (${stored - acknowledged} more, sent before a load stopped)`,
  );
}

interface IdleWorker {
  db: string;
  worker: Measured;
  noWorker: Measured;
  /** Requests per second of each server, in the order they were started (worker, none, none, worker). */
  each: number[];
}

/**
 * PostPage with the cache off on servers that run a job worker (idle:
 * nothing is queued) and on servers with JOB_WORKER=0, in interleaved
 * rounds: the worker should cost the reads nothing. Two of each, started
 * in the order worker, none, none, worker (so that neither side has all
 * the early or all the late servers: servers alike differ by several per
 * cent, by where they were started from), and warmed alike: a server that
 * has served for longer is faster (JIT), which would hide the difference sought.
 */
async function idleWorker(label: string, url: string): Promise<IdleWorker> {
  const withWorker = [true, false, false, true];
  const servers: Server[] = [];
  try {
    for (const worker of withWorker)
      servers.push(await startServer(url, false, worker ? {} : { JOB_WORKER: '0' }));
    // Each server answers with its own port in the share links: each its own bytes.
    const answers = await Promise.all(servers.map((s) => responseOf(s.url, postPage)));
    for (const [i, s] of servers.entries())
      await load(s.url, postPage, { seconds: DURATION / ROUNDS, expect: answers[i]!.body });
    const results = await rounds(servers, (s, i) =>
      load(s.url, postPage, { expect: answers[i]!.body }),
    );
    const side = (worker: boolean) =>
      measured(results.flatMap((r, i) => (withWorker[i] === worker ? r : [])));
    const each = results.map((r) => measured(r).rps);
    const [worker, noWorker] = [side(true), side(false)];
    for (const [name, m, rps] of [
      ['with an idle job worker', worker, each.filter((_, i) => withWorker[i])],
      ['with JOB_WORKER=0', noWorker, each.filter((_, i) => !withWorker[i])],
    ] as const) {
      if (m.errors > 0) throw new Error(`${label} PostPage ${name}: ${m.errors} failed requests`);
      console.log(
        `${label.padEnd(10)} ${`PostPage query, cache off, ${name}`.padEnd(48)} ${String(m.rps).padStart(6)} req/s (servers: ${rps.join(', ')})  p50 ${m.p50} ms  p99 ${m.p99} ms`,
      );
    }
    const spread = (a: number, b: number) => Math.abs(a - b) / ((a + b) / 2);
    console.log(
      `${label.padEnd(10)} idle job worker: ${(worker.rps / noWorker.rps).toFixed(3)} × the requests per second without one; servers alike differ by ${(100 * Math.max(spread(each[0]!, each[3]!), spread(each[1]!, each[2]!))).toFixed(1)}% in this run`,
    );
    return { db: label, worker, noWorker, each };
  } finally {
    for (const s of servers) await s.stop();
  }
}

interface BigRow extends Measured {
  scenario: string;
  bytes: number;
  sql: number;
  /** p50 over the 50-comment post's p50. */
  ratio: number;
  /** The server's highest resident memory during this scenario's loads, in MB. */
  rssPeak: number;
}

interface BigPost {
  db: string;
  comments: number;
  buildSeconds: number;
  rows: BigRow[];
  rssBefore: number;
  rssAfter: number;
}

/** A request of the big post's scenarios, and the check of its answer. */
interface BigScenario {
  name: string;
  request: LoadRequest;
  answer: Buffer;
}

const graphql = (body: object) => ({
  method: 'POST' as const,
  path: '/graphql',
  headers: json,
  body: JSON.stringify(body),
});

/** Waits until `counter` has not moved for a moment: background work is not counted with a request. */
async function quiet(counter: QueryCounter): Promise<void> {
  for (let seen = -1, i = 0; counter.count !== seen && i < 50; i++) {
    seen = counter.count;
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
}

/**
 * The 1,000,000-comment post: built in this process on the servers'
 * database, then the reader's requests of it against the cache-off server
 * beside the 50-comment post's page, in interleaved rounds; SQL statements
 * counted in-process, the server's memory read before and after.
 */
async function benchBigPost(label: string, db: DatabaseConfig, server: Server): Promise<BigPost> {
  const counter = new QueryCounter();
  const database = await openDatabase(createDatabase(db, { tables, counter }));
  // No job worker: its work would be counted with the requests.
  const app = await inProcessApp(db, database, false, { JOB_WORKER: '0' });
  try {
    const started = Date.now();
    const postId = await buildBigPost(database, BIG_THREAD);
    const buildSeconds = Math.round((Date.now() - started) / 100) / 10;
    console.log(
      `${label.padEnd(10)} built the post of ${BIG_THREAD} comments in ${buildSeconds} s`,
    );
    const deep = await findDeepComment(database, postId);

    const fetchOf = async (name: string, request: BigScenario['request']) => {
      const { body } = await responseOf(server.url, request);
      return { name, request, answer: body };
    };
    const baseline = await fetchOf(`PostPage, the ${BASELINE_COMMENTS}-comment post`, postPage);
    await checkPostPage(database, baseline.name, baseline.answer, {
      commentCount: BASELINE_COMMENTS,
      ...(await pageOfThread(database, SEED_POST_ID, 0)),
    });
    await load(server.url, baseline.request, { seconds: WARMUP_SECONDS, expect: baseline.answer });
    // Warm, after the build, before any request of the big post.
    const rssBefore = server.rssMb();

    const bigPage = (after?: string) =>
      graphql({
        query: POST_PAGE,
        operationName: 'PostPage',
        variables: { slug: BIG_SLUG, after },
      });
    const first = await fetchOf('PostPage, the big post', bigPage());
    const firstPage = await checkPostPage(database, first.name, first.answer, {
      commentCount: BIG_THREAD,
      ...(await pageOfThread(database, postId, 0)),
    });
    const second = await fetchOf(
      'PostPage, its page 2 (by endCursor)',
      bigPage(firstPage.endCursor ?? undefined),
    );
    const secondPage = await checkPostPage(database, second.name, second.answer, {
      commentCount: BIG_THREAD,
      ...(await pageOfThread(database, postId, 1)),
    });
    if (secondPage.ids.some((id) => firstPage.ids.includes(id)))
      throw new Error(`${second.name}: comments of page 1 again`);
    const replies = await fetchOf(
      `replies of a comment deep in the thread (${deep.replyCount} replies)`,
      graphql({
        query: REPLY_PAGE,
        variables: { slug: BIG_SLUG, parentAfter: deep.parentAfter, after: deep.after },
      }),
    );
    checkReplyPage(replies.name, replies.answer, deep);
    const scenarios: BigScenario[] = [baseline, first, second, replies];

    // Statements of one warm request each, in this process.
    const sql: number[] = [];
    for (const s of scenarios) {
      const inject = () =>
        app.inject({
          method: s.request.method,
          url: s.request.path,
          headers: s.request.headers,
          payload: s.request.body,
        });
      await inject();
      await quiet(counter);
      const before = counter.count;
      const res = await inject();
      sql.push(counter.count - before);
      if (res.statusCode !== 200 || (JSON.parse(res.body) as { errors?: unknown }).errors)
        throw new Error(`${s.name}, in process: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }

    for (const s of scenarios.slice(1))
      await load(server.url, s.request, { seconds: WARMUP_SECONDS, expect: s.answer });
    // Each scenario's highest memory under load, the rounds being interleaved: alike but for the post.
    // The 50-comment post is loaded before each of the big post's three, so that both sides' peaks
    // come from as many loads of the same length: the highest of three samples of a noisy figure
    // is not set against the highest of one.
    const schedule = scenarios.slice(1).flatMap((_, k) => [0, k + 1]);
    const peaks = scenarios.map(() => 0);
    const scheduled = await rounds(schedule, async (i) => {
      const s = scenarios[i]!;
      const rss = sampleRss(server);
      const result = await load(server.url, s.request, { expect: s.answer });
      peaks[i] = Math.max(peaks[i]!, rss.stop());
      return result;
    });
    const results = scenarios.map((_, i) =>
      schedule.flatMap((j, at) => (j === i ? scheduled[at]! : [])),
    );
    const bigPeak = Math.max(...peaks.slice(1));
    const rssAfter = server.rssMb();

    const base = measured(results[0]!);
    const rows = scenarios.map((s, i): BigRow => {
      const m = measured(results[i]!);
      if (m.errors > 0) throw new Error(`${label} ${s.name}: ${m.errors} failed or wrong answers`);
      return {
        scenario: s.name,
        ...m,
        bytes: s.answer.length,
        sql: sql[i]!,
        ratio: m.p50 / base.p50,
        rssPeak: peaks[i]!,
      };
    });
    for (const r of rows)
      console.log(
        `${label.padEnd(10)} ${r.scenario.padEnd(48)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms (${r.ratio.toFixed(2)} × the ${BASELINE_COMMENTS}-comment p50; goal ≤ ${LATENCY_GOAL})  p99 ${r.p99} ms  ${r.sql} SQL`,
      );
    console.log(
      `${label.padEnd(10)} server RSS at its peak under load: ${rows[0]!.rssPeak} MB for the ${BASELINE_COMMENTS}-comment post, ${rows
        .slice(1)
        .map((r) => r.rssPeak)
        .join(
          ' / ',
        )} MB for the big post's: ${growth(rows[0]!.rssPeak, bigPeak)} MB (goal ≤ ${RSS_GOAL_MB} MB); ${rssBefore} MB before the big post's first request, ${rssAfter} MB after its last`,
    );
    return { db: label, comments: BIG_THREAD, buildSeconds, rows, rssBefore, rssAfter };
  } finally {
    await app.close();
    await database.close();
  }
}

/** Samples the server's resident memory every 100 ms until stopped; stop() gives the highest, in MB. */
function sampleRss(server: Server): { stop: () => number } {
  let peak = server.rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, server.rssMb())), 100);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, server.rssMb());
    },
  };
}

const growth = (before: number, after: number) => {
  const mb = Math.round((after - before) * 10) / 10;
  return mb >= 0 ? `+${mb}` : String(mb);
};

/**
 * How fast this machine runs plain JavaScript now: the best of three runs
 * of a fixed loop, in ms. Only ratios compare between runs; this says how
 * far the machine itself moved (absolute figures, such as the comments per
 * second, move with it).
 */
function calibrate(): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    let x = 0;
    for (let i = 0; i < 100_000_000; i++) x = (x + i) % 1_000_003;
    if (x < 0) throw new Error('unreachable');
    best = Math.min(best, performance.now() - started);
  }
  return Math.round(best);
}

async function main() {
  if (!fs.existsSync(apiMain) || !fs.existsSync(webDist))
    throw new Error('Build first: pnpm build');
  const calibrationBefore = calibrate();
  console.log(`machine: a fixed JavaScript loop takes ${calibrationBefore} ms`);
  const benches: Bench[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-bench-'));
  try {
    const file = path.join(tmp, 'bench.db');
    const sqliteSql = path.join(tmp, 'sql.db');
    benches.push(
      await benchDatabase('SQLite', { kind: 'sqlite', file: sqliteSql }, `sqlite:${file}`),
    );
    const bin = findPgBin();
    if (bin) {
      const cluster = await startPgCluster(bin);
      try {
        const pg = await import('pg');
        const admin = new pg.default.Client({ connectionString: cluster.url });
        await admin.connect();
        await admin.query('CREATE DATABASE bench_sql');
        await admin.query('CREATE DATABASE bench_load');
        await admin.end();
        const u = (name: string) => cluster.url.replace(/\/postgres$/, `/${name}`);
        benches.push(
          await benchDatabase(
            'PostgreSQL',
            { kind: 'postgres', url: u('bench_sql') },
            u('bench_load'),
          ),
        );
      } finally {
        await cluster.stop();
      }
    } else {
      console.log('PostgreSQL binaries not found: PostgreSQL figures skipped.');
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const rows = benches.flatMap((b) => b.rows);
  const idle = benches.flatMap((b) => (b.idle ? [b.idle] : []));
  const big = benches.map((b) => b.big);

  // The web package's own measure (its budget test reads the same), run through tsx.
  const { pageBundles } = (await import(path.resolve(webDist, '../scripts/page-bundles.ts'))) as {
    pageBundles: (
      clientDir: string,
    ) => { page: string; files: string[]; bytes: number; gzip: number }[];
  };
  const bundle = pageBundles(path.join(webDist, 'client'));
  for (const b of bundle)
    console.log(`bundle, ${b.page}: ${b.bytes} bytes, ${b.gzip} gzipped (${b.files.length} files)`);

  const calibrationAfter = calibrate();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const md = [
    '# Benchmarks',
    '',
    `Latest \`pnpm bench\` run: ${new Date().toISOString().slice(0, 10)}, on ${machine}.`,
    '',
    `The machine's speed in this run: a fixed JavaScript loop (10⁸ steps, \`calibrate()\` in \`bench/run.ts\`) took ${calibrationBefore} ms before the scenarios and ${calibrationAfter} ms after them (best of three). Machines here are shared and vary: a slower one lowers every absolute figure (requests per second, comments per second), the bare server's included, so compare ratios within one run, and absolute figures only between runs whose loop times are alike.`,
    '',
    `Load: autocannon on the same machine, ${CONNECTIONS} connections, against the built server (\`node packages/api/dist/main.js\`) with the seed data, one process for each cache setting; beside it, a bare \`node:http\` server answering the very bytes Colloquy answered for the scenario (the limit: no parsing, no database). Each scenario runs ${ROUNDS} interleaved rounds of ${DURATION / ROUNDS} s on each (bare, Colloquy, bare, Colloquy), after an unmeasured warm-up of ${WARMUP_SECONDS} s on each, and the figures are their means. The load generator shares the two cores with the servers and the machine is shared, so absolute requests per second vary from run to run; compare the ratios (× bare) of one run. SQL statements per request are counted by the database logger for one warm request; they do not vary.`,
    '',
    '| Database | Scenario | Requests/s | × bare | p50 ms | p99 ms | Bare req/s | Bare p50 / p99 ms | Response bytes | SQL / request | Errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.db} | ${r.scenario} | ${r.rps} | ${ratio(r)} | ${r.p50} | ${r.p99} | ${r.bareRps} | ${r.bareP50} / ${r.bareP99} | ${r.bytes} | ${r.sql} | ${r.errors} |`,
    ),
    '',
    'Two servers run side by side on the same database: one as `pnpm start` runs it (the response cache on), one with `COLLOQUY_CACHE=off`, where every request is answered anew (the settings and share targets are still kept in memory until a change names them). With the cache on, a repeated anonymous query or page is answered from memory before GraphQL runs: no SQL. The post page HTML is the whole page rendered on the server: the Vue app running its queries (Site and PostPage) in-process through the same GraphQL server, their results serialized into the page for hydration (the same SQL statements as the GraphQL query). Both servers run a job worker, idle: on PostgreSQL it makes no query while nothing is queued.',
    '',
    'The comment scenario stores a comment per request (all from one new email address, so all are held as pending; the flood and duplicate rules are turned off for it); it measures the whole write path, the comment pipeline included, and every comment acknowledged is in the database (a held comment is BEGIN IMMEDIATE, one INSERT, COMMIT on SQLite, after reading the post).',
    '',
    `## The ${BIG_THREAD.toLocaleString('en-US')}-comment post`,
    '',
    `After the scenarios above, a second published post gets ${BIG_THREAD.toLocaleString('en-US')} approved comments, threaded as a long discussion is (\`bench/big-thread.ts\`: 60% top-level over two years, replies three levels deep, unevenly spread), written by bulk SQL into the servers' database from the bench's own process; the seed post gets ${BASELINE_COMMENTS - 1} more approved comments, so that it has ${BASELINE_COMMENTS}. Then, against the server with the cache off (every request answered anew), the ${BASELINE_COMMENTS}-comment post's PostPage and three requests of the big post: its PostPage (the first ${50} top-level comments, with their replies), page 2 of its thread by the first page's \`endCursor\` (what "Newer comments" asks for), and a page of replies deep in the thread (the last reply at depth 1 with several replies of its own, reached through its parent by cursors: \`comments(first: 1, after)\`, \`replies(first: 1, after)\`, then its \`replies(first: 50)\`). Each runs ${ROUNDS} interleaved rounds of ${DURATION / ROUNDS} s (the ${BASELINE_COMMENTS}-comment post before each of the three, so that it has as many loads as they have together; every other round in reverse order) after a warm-up, every answer compared with one checked against the database (no GraphQL errors, the post's comment count, the page's comments and each one's replies). The goal: a p50 within ${LATENCY_GOAL} × the ${BASELINE_COMMENTS}-comment post's, and the server's memory (VmRSS of its process) at most ${RSS_GOAL_MB} MB above what the ${BASELINE_COMMENTS}-comment post needs. Under load a Node process's resident memory swings by tens of MB whatever it serves (its heap grows with the load and shrinks with garbage collection when idle), so the comparison is of the highest VmRSS sampled (every 100 ms) during each row's own loads: the rounds being interleaved, the peaks compare the posts under the same load and history, and the highest of the big post's three rows is set against the 50-comment post's highest over as many loads (not over a third of them, which would set the big post's side higher by chance alone). The readings before the big post's first request (the server idle since the build) and after its last are given too; their difference is mostly the heap growing with the load. SQL statements are counted in-process, as above.`,
    '',
    '| Database | Scenario | p50 ms | p99 ms | Requests/s | × 50-comment p50 | Response bytes | SQL / request | RSS peak under load (MB) | Server RSS before / after / growth (MB) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...big.flatMap((b) =>
      b.rows.map(
        (r, i) =>
          `| ${b.db} | ${r.scenario} | ${r.p50} | ${r.p99} | ${r.rps} | ${r.ratio.toFixed(2)} | ${r.bytes} | ${r.sql} | ${r.rssPeak} | ${i !== 1 ? '' : `${b.rssBefore} / ${b.rssAfter} / ${growth(b.rssBefore, b.rssAfter)}`} |`,
      ),
    ),
    '',
    `Building the thread took ${big.map((b) => `${b.buildSeconds} s on ${b.db}`).join(', ')}. The server's memory, given on the big post's first row, spans all three of its requests.`,
    '',
    ...(idle.length > 0
      ? [
          '## An idle job worker',
          '',
          `PostPage with the cache off on four servers started for it side by side on the same database, two with a job worker (idle: nothing is queued) and two with \`JOB_WORKER=0\`, started in that order: worker, none, none, worker (servers alike differ by several per cent, so neither side gets all the early or all the late ones): each warmed by ${DURATION / ROUNDS} s of the same load (a server that has served for longer is faster, its code compiled by the JIT), then ${ROUNDS} interleaved rounds of ${DURATION / ROUNDS} s each, every other one in reverse order. Each side's figures are the means of its two servers' loads. PostgreSQL only, to bound the run time (its workers wait for NOTIFY and make no query while idle; on SQLite an idle worker looks for jobs every 30 s).`,
          '',
          '| Database | Job worker | Requests/s (each server) | p50 ms | p99 ms |',
          '| --- | --- | ---: | ---: | ---: |',
          ...idle.flatMap((r) => [
            `| ${r.db} | one, idle | ${r.worker.rps} (${r.each[0]}, ${r.each[3]}) | ${r.worker.p50} | ${r.worker.p99} |`,
            `| ${r.db} | none (\`JOB_WORKER=0\`) | ${r.noWorker.rps} (${r.each[1]}, ${r.each[2]}) | ${r.noWorker.p50} | ${r.noWorker.p99} |`,
          ]),
          '',
        ]
      : []),
    '## Reader bundle',
    '',
    "The JavaScript each reader page loads, from Vite's build manifest (gzip at zlib's default level). The post page's thread and comment form are a separate chunk, hydrated as they come near the viewport; `packages/web/test/bundle-budget.test.ts` holds the post page at load to 91 kB.",
    '',
    '| Page | Files | Bytes | Gzipped |',
    '| --- | ---: | ---: | ---: |',
    ...bundle.map((b) => `| ${b.page} | ${b.files.length} | ${b.bytes} | ${b.gzip} |`),
    '',
  ].join('\n');
  // Formatted as `pnpm lint` expects, so a fresh run keeps the tree lint-clean.
  const file = path.join(root, 'docs/benchmarks.md');
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(md, { ...options, filepath: file }));
  console.log('wrote docs/benchmarks.md');
}

await main();
