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

const root = path.resolve(import.meta.dirname, '../../..');
const apiMain = path.resolve(import.meta.dirname, '../dist/main.js');
const webDist = path.resolve(import.meta.dirname, '../../web/dist');
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/** Rounds per scenario; each round loads the bare server, then Colloquy, for DURATION / ROUNDS seconds. */
const ROUNDS = 2;
const CONNECTIONS = 10;
const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const POST_PAGE = ['posts.graphql', 'comments.graphql']
  .map((f) => fs.readFileSync(path.join(root, 'packages/web/src/graphql', f), 'utf8'))
  .join('\n');
const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status errors { code } } }`;

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
async function responseOf(url: string, s: Scenario): Promise<{ body: Buffer; type: string }> {
  const res = await fetch(url + s.path, { method: s.method, headers: s.headers, body: s.body });
  return {
    body: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type') ?? 'application/octet-stream',
  };
}

const mean = (values: number[]) =>
  Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
const ratio = (r: Pick<Row, 'rps' | 'bareRps'>) => (r.rps / r.bareRps).toFixed(4);

/** SQL statements one request costs, measured in-process with the same app. */
async function sqlPerRequest(db: DatabaseConfig): Promise<number[]> {
  await allowRepeatedComments(db);
  const counter = new QueryCounter();
  const database = createDatabase(db, { tables, counter });
  await openDatabase(database);
  await seedIfEmpty(database);
  const appFor = async (cache: boolean) => {
    const env = { LOG_LEVEL: 'silent', PORT: '0', COLLOQUY_CACHE: cache ? 'on' : 'off' };
    return buildApp({ config: { ...loadConfig(env), database: db }, db: database });
  };
  const apps = { on: await appFor(true), off: await appFor(false) };
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

async function startServer(
  databaseUrl: string,
  cache: boolean,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [apiMain], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      COLLOQUY_CACHE: cache ? 'on' : 'off',
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
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function load(url: string, s: Scenario) {
  return autocannon({
    url: url + s.path,
    method: s.method,
    headers: s.headers,
    body: s.body,
    connections: CONNECTIONS,
    // Bounded by time (autocannon ignores `duration` when `amount` is set).
    duration: DURATION / ROUNDS,
  });
}

async function benchDatabase(label: string, db: DatabaseConfig, url: string): Promise<Row[]> {
  const sql = await sqlPerRequest(db);
  await allowRepeatedComments(parseDatabaseUrl(url, process.cwd()));
  // Both run a job worker, as `pnpm start` does: an idle one costs the reads nothing.
  const servers = { on: await startServer(url, true), off: await startServer(url, false) };
  const rows: Row[] = [];
  try {
    for (const [i, s] of scenarios.entries()) {
      const server = s.cache ? servers.on : servers.off;
      const answer = await responseOf(server.url, s);
      const bare = await bareServer(answer.body, answer.type);
      const ours: autocannon.Result[] = [];
      const limit: autocannon.Result[] = [];
      try {
        // Interleaved, so a change in the machine's load hits both alike.
        for (let round = 0; round < ROUNDS; round++) {
          limit.push(await load(bare.url, s));
          ours.push(await load(server.url, s));
        }
      } finally {
        await bare.stop();
      }
      const row: Row = {
        db: label,
        scenario: s.name,
        rps: Math.round(mean(ours.map((r) => r.requests.average))),
        p50: mean(ours.map((r) => r.latency.p50)),
        p99: mean(ours.map((r) => r.latency.p99)),
        bareRps: Math.round(mean(limit.map((r) => r.requests.average))),
        bareP50: mean(limit.map((r) => r.latency.p50)),
        bareP99: mean(limit.map((r) => r.latency.p99)),
        bytes: answer.body.length,
        sql: sql[i]!,
        errors: ours.reduce((n, r) => n + r.errors + r.non2xx, 0),
      };
      rows.push(row);
      console.log(
        `${label.padEnd(10)} ${s.name.padEnd(48)} ${String(row.rps).padStart(6)} req/s (${ratio(row)} × bare ${row.bareRps})  p50 ${row.p50} ms  p99 ${row.p99} ms  ${row.sql} SQL`,
      );
    }
  } finally {
    await servers.on.stop();
    await servers.off.stop();
  }
  return rows;
}

async function main() {
  if (!fs.existsSync(apiMain) || !fs.existsSync(webDist))
    throw new Error('Build first: pnpm build');
  const rows: Row[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-bench-'));
  try {
    const file = path.join(tmp, 'bench.db');
    const sqliteSql = path.join(tmp, 'sql.db');
    rows.push(
      ...(await benchDatabase('SQLite', { kind: 'sqlite', file: sqliteSql }, `sqlite:${file}`)),
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
        rows.push(
          ...(await benchDatabase(
            'PostgreSQL',
            { kind: 'postgres', url: u('bench_sql') },
            u('bench_load'),
          )),
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

  // The web package's own measure (its budget test reads the same), run through tsx.
  const { pageBundles } = (await import(path.resolve(webDist, '../scripts/page-bundles.ts'))) as {
    pageBundles: (
      clientDir: string,
    ) => { page: string; files: string[]; bytes: number; gzip: number }[];
  };
  const bundle = pageBundles(path.join(webDist, 'client'));
  for (const b of bundle)
    console.log(`bundle, ${b.page}: ${b.bytes} bytes, ${b.gzip} gzipped (${b.files.length} files)`);

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const md = [
    '# Benchmarks',
    '',
    `Latest \`pnpm bench\` run: ${new Date().toISOString().slice(0, 10)}, on ${machine}.`,
    '',
    `Load: autocannon on the same machine, ${CONNECTIONS} connections, against the built server (\`node packages/api/dist/main.js\`) with the seed data, one process for each cache setting; beside it, a bare \`node:http\` server answering the very bytes Colloquy answered for the scenario (the limit: no parsing, no database). Each scenario runs ${ROUNDS} interleaved rounds of ${DURATION / ROUNDS} s on each (bare, Colloquy, bare, Colloquy), and the figures are their means. The load generator shares the two cores with the servers and the machine is shared, so absolute requests per second vary from run to run; compare the ratios (× bare) of one run. SQL statements per request are counted by the database logger for one warm request; they do not vary.`,
    '',
    '| Database | Scenario | Requests/s | × bare | p50 ms | p99 ms | Bare req/s | Bare p50 / p99 ms | Response bytes | SQL / request | Errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.db} | ${r.scenario} | ${r.rps} | ${ratio(r)} | ${r.p50} | ${r.p99} | ${r.bareRps} | ${r.bareP50} / ${r.bareP99} | ${r.bytes} | ${r.sql} | ${r.errors} |`,
    ),
    '',
    'Two servers run side by side on the same database: one as `pnpm start` runs it (the response cache on), one with `COLLOQUY_CACHE=off`, where every request is answered anew (the settings and share targets are still kept in memory until a change names them). With the cache on, a repeated anonymous query or page is answered from memory before GraphQL runs: no SQL. The post page HTML is the whole page rendered on the server: the Vue app with Apollo Client running the PostPage query in-process, serialized into the page (the same SQL statements as the GraphQL query). Both servers run a job worker, idle: on PostgreSQL it makes no query while nothing is queued.',
    '',
    'The comment scenario stores a comment per request (all from one new email address, so all are held as pending; the flood and duplicate rules are turned off for it); it measures the whole write path, the comment pipeline included.',
    '',
    '## Reader bundle',
    '',
    "The JavaScript each reader page loads, from Vite's build manifest (gzip at zlib's default level). The post page's thread and comment form are a separate chunk, hydrated as they come near the viewport; `packages/web/test/bundle-budget.test.ts` holds the post page at load to 90 kB.",
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
