import type { EntityManager } from 'typeorm';
import type { Database, DbKind } from '../src/db/database.js';
import { SqlParams } from '../src/db/params.js';
import { lockThreads } from '../src/modules/comments/counters.js';

/** About this many rows per INSERT … SELECT, each batch in its own unit of work. */
const BATCH = 50_000;
/** The shares of a big thread by depth: mostly top-level, replies three levels deep. */
const SHARES = [0.6, 0.25, 0.1, 0.05];
/** The first top-level comment's time (seconds); the others follow over two years. */
const START = Date.UTC(2013, 0, 1) / 1000;
const SPAN_SECONDS = 2 * 365 * 86_400;
/** Most replies one comment gets (the spread below gives a handful at most). */
const MAX_REPLIES = 64;

/**
 * How the replies of a level are spread over the comments of the level
 * above, unevenly but exactly: the comment at position i of its level (from
 * 1) gets F(i) - F(i - 1) replies, with F(i) = S · g(i) / g(P) in integers
 * (S replies over P comments) and g growing by 1 at most positions, by 21
 * at every 7th, by 36 at every 11th and by 56 at every 77th. So most
 * comments get none, some one, some several, and the replies add up to S.
 */
const spread = (i: string) => `(${i} + 20 * (${i} / 7) + 35 * (${i} / 11))`;
/** A number for the arithmetic below: bigint on both databases (PostgreSQL types parameters by context). */
const big = (p: SqlParams, value: number) => `CAST(${p.add(value)} AS bigint)`;
const g = (i: number) => i + 20 * Math.floor(i / 7) + 35 * Math.floor(i / 11);

/**
 * Adds `count` approved comments to a post with bulk SQL (INSERT … SELECT
 * over generated rows, about BATCH rows a statement, each batch in a unit
 * of work of its own), threaded as a long discussion is: 60% top-level,
 * spread over two years, and replies (25%, 10%, 5% at depths 1 to 3), each
 * between a minute and a day after its parent, unevenly over the comments
 * of the level above (see `spread`).
 *
 * The thread counters (counters.ts) are exact after each batch: a comment
 * is written with its reply_count already (the spread says how many
 * replies it will get), and since every new comment hangs from new ones
 * only, all are reachable: the post gains each batch's rows.
 *
 * For the benchmark and the tests that need a big thread: a million
 * comments take seconds to a minute, where saving them one by one would
 * take hours.
 */
export async function buildBigThread(db: Database, postId: number, count: number): Promise<void> {
  const sizes = SHARES.slice(1).map((share) => Math.floor(count * share));
  sizes.unshift(count - sizes.reduce((a, b) => a + b, 0));
  let parents: { from: number; to: number; size: number } | null = null;
  for (const [depth, size] of sizes.entries()) {
    if (size === 0) break;
    const level: Level = { postId, depth, size, replies: sizes[depth + 1] ?? 0 };
    // The level's id range, for the next level to find its parents in.
    let from = Number.POSITIVE_INFINITY;
    let to = 0;
    let done = 0;
    const add = (batch: Inserted) => {
      if (batch.rows === 0) return;
      from = Math.min(from, batch.from);
      to = Math.max(to, batch.to);
      done += batch.rows;
    };
    if (!parents) {
      while (done < size) {
        const rows = Math.min(BATCH, size - done);
        add(await db.write((em) => insertTopLevel(em, level, done, rows)));
      }
    } else {
      // Parents by id range, about BATCH replies' worth at a time.
      const step = Math.max(1, Math.ceil((BATCH * parents.size) / size));
      for (let start = parents.from; start <= parents.to; start += step) {
        const range = { from: start, to: Math.min(start + step - 1, parents.to) };
        add(await db.write((em) => insertReplies(em, level, done, range)));
      }
    }
    if (done !== size)
      throw new Error(`big thread: ${done} comments at depth ${depth}, not ${size}`);
    parents = { from, to, size };
  }
}

interface Level {
  postId: number;
  depth: number;
  /** Comments at this depth. */
  size: number;
  /** Comments at the next depth, their replies. */
  replies: number;
}

interface Inserted {
  rows: number;
  from: number;
  to: number;
}

const COLUMNS = `post_id, parent_id, depth, author_name, author_email, author_url, content_text,
  content_html, status, moderation_reason, ip, user_agent, created_at, user_id, by_post_author,
  reply_count`;

/** The columns' values for row `n` (n.i: its position in the level) of a level. */
function values(
  p: SqlParams,
  kind: DbKind,
  level: Level,
  parent: string,
  createdAt: string,
): string {
  // Zero-padded, so that a batch's addresses follow one another in the email index.
  const number = kind === 'postgres' ? `lpad(n.i::text, 8, '0')` : `printf('%08d', n.i)`;
  const email = `'reader' || ${number} || '.${level.depth}@example.org'`;
  const text = `'Comment ' || n.i || ' at depth ${level.depth} of a big thread.'`;
  // This comment's share of the next level (see `spread`).
  let replyCount = '0';
  if (level.replies > 0) {
    const total = big(p, g(level.size));
    const replies = big(p, level.replies);
    const share = (i: string) => `(${replies} * ${spread(i)}) / ${total}`;
    replyCount = `${share('n.i')} - ${share('(n.i - 1)')}`;
  }
  return `${p.int(level.postId)}, ${parent}, ${p.int(level.depth)},
    'Reader ' || n.i, ${email}, NULL, ${text},
    '<p>' || ${text} || '</p>', 'APPROVED', NULL, NULL, NULL, ${createdAt}, NULL, FALSE,
    ${replyCount}`;
}

function insertTopLevel(
  em: EntityManager,
  level: Level,
  done: number,
  rows: number,
): Promise<Inserted> {
  return insertBatch(em, level, (p, kind) => {
    // Evenly over two years, in whole seconds (cursors keep milliseconds).
    const at = `${big(p, START)} + (n.i * ${big(p, SPAN_SECONDS)}) / ${big(p, level.size)}`;
    const createdAt =
      kind === 'postgres'
        ? `to_timestamp(${at})`
        : `strftime('%Y-%m-%d %H:%M:%f', ${at}, 'unixepoch')`;
    return `WITH RECURSIVE n(i) AS (
        SELECT ${big(p, done + 1)} UNION ALL SELECT i + 1 FROM n WHERE i < ${big(p, done + rows)}
      )
      INSERT INTO comments (${COLUMNS}) SELECT ${values(p, kind, level, 'NULL', createdAt)} FROM n`;
  });
}

function insertReplies(
  em: EntityManager,
  level: Level,
  done: number,
  parents: { from: number; to: number },
): Promise<Inserted> {
  return insertBatch(em, level, (p, kind) => {
    // Between a minute and a day after the parent, later replies later.
    const delay = `60 + n.j * 600 + (n.i * 7919) % 43200`;
    const createdAt =
      kind === 'postgres'
        ? `n.parent_at + (${delay}) * interval '1 second'`
        : `strftime('%Y-%m-%d %H:%M:%f', n.parent_at, '+' || (${delay}) || ' seconds')`;
    // Each parent's replies, as many as its reply_count says. (`+ 0`: without
    // statistics either database would rather read the post's whole thread by its
    // index than this id range by the primary key; CROSS JOIN keeps SQLite from
    // reading the range once for every possible reply.)
    return `WITH RECURSIVE j(j) AS (
        SELECT 1 UNION ALL SELECT j + 1 FROM j WHERE j < ${MAX_REPLIES}
      ),
      n AS (
        SELECT parent.id AS parent_id, parent.created_at AS parent_at, j.j AS j,
               ${big(p, done)} + ROW_NUMBER() OVER (ORDER BY parent.id, j.j) AS i
        FROM comments parent CROSS JOIN j
        WHERE j.j <= parent.reply_count AND parent.id BETWEEN ${p.int(parents.from)} AND ${p.int(parents.to)}
          AND parent.post_id + 0 = ${p.int(level.postId)}
          AND parent.depth + 0 = ${p.int(level.depth - 1)}
      )
      INSERT INTO comments (${COLUMNS})
      SELECT ${values(p, kind, level, 'n.parent_id', createdAt)} FROM n ORDER BY n.i`;
  });
}

/** One batch in the caller's unit of work: the rows, then the post's counters. */
async function insertBatch(
  em: EntityManager,
  level: Level,
  sql: (p: SqlParams, kind: DbKind) => string,
): Promise<Inserted> {
  const kind: DbKind = em.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
  await lockThreads(em, [level.postId]);
  const [{ max }] = (await em.query(`SELECT COALESCE(MAX(id), 0) AS max FROM comments`)) as [
    { max: number | string },
  ];
  const p = new SqlParams(kind);
  await em.query(sql(p, kind), p.values);

  const mine = new SqlParams(kind);
  const [inserted] = (await em.query(
    `SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM comments
     WHERE id > ${mine.add(Number(max))} AND post_id = ${mine.add(level.postId)}`,
    mine.values,
  )) as [{ n: number | string; lo: number | string | null; hi: number | string | null }];
  const rows = Number(inserted.n);
  if (rows > 0) {
    const counts = new SqlParams(kind);
    const topLevel = level.depth === 0 ? rows : 0;
    await em.query(
      `INSERT INTO comment_threads (post_id, comment_count, top_level_count)
       VALUES (${counts.add(level.postId)}, ${counts.int(rows)}, ${counts.int(topLevel)})
       ON CONFLICT (post_id) DO UPDATE SET
         comment_count = comment_threads.comment_count + excluded.comment_count,
         top_level_count = comment_threads.top_level_count + excluded.top_level_count`,
      counts.values,
    );
  }
  return { rows, from: Number(inserted.lo ?? 0), to: Number(inserted.hi ?? 0) };
}
