// The recursive walks over comment threads (counters, thread pages, deleting
// a subtree, personal data) must go from a comment to its replies by index:
// their cost is the subtree's, not the site's. SQLite 3.52 once planned the
// counters' walk with the status index instead, reading every approved
// comment of the site at each step (the CROSS JOINs in counters.ts). This
// test runs each walk as the app does, captures the statements it sends, and
// asks SQLite for their plans: every read of `comments` must be keyed to the
// thread (its ids, parents or post), never a full scan or a search by status
// alone, so a planner change in a sqlite3 upgrade fails here instead of in production.
// SQLite only: PostgreSQL's planner uses table statistics, and on a test's
// small tables a sequential scan is its right choice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recountThreads } from '../../src/modules/comments/counters.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { insertComment, insertPost } from '../support/fixtures.js';
import { startServer, type TestServer } from '../support/server.js';

interface Captured {
  query: string;
  parameters: readonly unknown[];
}

const NOT_ALIASES = new Set([
  'WHERE',
  'JOIN',
  'ON',
  'SET',
  'CROSS',
  'LEFT',
  'INNER',
  'GROUP',
  'ORDER',
]);

/** The names the statement reads the comments table by: `comments` and each alias it gives it. */
function commentsAliases(query: string): Set<string> {
  const aliases = [...query.matchAll(/\bcomments\s+(?:AS\s+)?(\w+)/gi)]
    .map((m) => m[1]!)
    .filter((alias) => !NOT_ALIASES.has(alias.toUpperCase()));
  return new Set(['comments', ...aliases]);
}

describe('query plans of the thread walks on SQLite', () => {
  let server: TestServer;
  let admin: SignedIn;
  let postId: number;
  let slug: string;
  const chain: number[] = [];

  beforeAll(async () => {
    server = await startServer('sqlite', { env: { JOB_WORKER: '0' } });
    admin = await signedInUser(server, 'plans@example.com', 'ADMIN');
    // A busy neighbour: a walk that reads it is reading the site, not the thread.
    const other = await insertPost(server.db, { slug: 'busy-neighbour' });
    for (let i = 0; i < 200; i++)
      await insertComment(server.db, { postId: other.id, createdAt: new Date(Date.now() - i) });
    const post = await insertPost(server.db, { slug: 'walked-thread' });
    postId = post.id;
    slug = post.slug;
    let parentId: number | null = null;
    for (let depth = 0; depth < 4; depth++) {
      const c = await insertComment(server.db, {
        postId,
        parentId,
        depth,
        authorEmail: 'walker@example.org',
        createdAt: new Date(Date.now() + depth),
      });
      chain.push(c.id);
      parentId = c.id;
    }
  });
  afterAll(() => server?.close());

  /** The recursive statements `fn` sends, each with its parameters. */
  async function walksOf(fn: () => Promise<unknown>): Promise<Captured[]> {
    const captured: Captured[] = [];
    server.counter.onStatement = (query, parameters) => {
      if (/WITH\s+RECURSIVE/i.test(query)) captured.push({ query, parameters: parameters ?? [] });
    };
    try {
      await fn();
    } finally {
      server.counter.onStatement = undefined;
    }
    return captured;
  }

  /**
   * Every read of the comments table in the statement's plan that is not
   * keyed to a thread: a full scan, or a search by a key that is not the
   * comment's id, its parent or its post (a search by status alone reads every
   * comment of the site with that status). Its CTEs and subqueries may be scanned.
   */
  async function fullScans({ query, parameters }: Captured): Promise<string[]> {
    const plan = (await server.dataSource.query(`EXPLAIN QUERY PLAN ${query}`, [
      ...parameters,
    ])) as { detail: string }[];
    const comments = commentsAliases(query);
    return plan
      .map((row) => row.detail)
      .filter((detail) => {
        const read = /^(SCAN|SEARCH) (\w+)(.*)$/.exec(detail);
        if (!read || !comments.has(read[2]!)) return false;
        return read[1] === 'SCAN' || !/\((rowid|id|parent_id|post_id)=/.test(read[3]!);
      });
  }

  async function expectIndexedWalks(what: string, fn: () => Promise<unknown>, atLeast = 1) {
    const walks = await walksOf(fn);
    expect(walks.length, `${what}: its recursive statements`).toBeGreaterThanOrEqual(atLeast);
    for (const walk of walks)
      expect({ what, sql: walk.query.slice(0, 80), scans: await fullScans(walk) }).toEqual({
        what,
        sql: walk.query.slice(0, 80),
        scans: [],
      });
  }

  const moderate = (ids: number[], status: string) =>
    server.gqlAs(
      admin.token,
      `mutation($ids: [ID!]!, $status: CommentStatus!) {
         moderateComments(ids: $ids, status: $status) { errors { code } } }`,
      { ids: ids.map(String), status },
    );

  it('moderating a comment with replies walks its subtree and its ancestors by index', async () => {
    await expectIndexedWalks('hiding a subtree', () => moderate([chain[1]!], 'SPAM'));
    await expectIndexedWalks('showing it again', () => moderate([chain[1]!], 'APPROVED'));
  });

  it('recounting a thread walks from its top-level comments by index', async () => {
    await expectIndexedWalks('recountThreads', () =>
      server.db.write((em) => recountThreads(em, [postId])),
    );
  });

  it('a page of the thread reads its rows by index', async () => {
    const res = await walksOf(() =>
      server.gql(
        `query($slug: String!) { post(slug: $slug) {
           comments(first: 10) { edges { node { id replies(first: 10) { edges { node { id } } } } } } } }`,
        { slug },
      ),
    );
    expect(res.length).toBeGreaterThanOrEqual(1);
    for (const walk of res) expect(await fullScans(walk)).toEqual([]);
  });

  it('deleting a subtree from the trash walks it by index', async () => {
    const leaf = chain[chain.length - 1]!;
    await moderate([leaf], 'TRASH');
    await expectIndexedWalks('deleteComment', () =>
      server.gqlAs(
        admin.token,
        'mutation($id: ID!) { deleteComment(id: $id) { deletedIds errors { code } } }',
        { id: String(leaf) },
      ),
    );
  });

  it('a personal-data request finds the person’s comments by the address index', async () => {
    const statements: Captured[] = [];
    server.counter.onStatement = (query, parameters) => {
      if (query.includes('LOWER(TRIM(c.author_email))'))
        statements.push({ query, parameters: parameters ?? [] });
    };
    try {
      const res = await server.gqlAs<{
        personalData: { parts: { name: string; count: number }[] };
      }>(
        admin.token,
        'query($email: String!) { personalData(email: $email) { parts { name count } } }',
        { email: ' Walker@Example.org ' },
      );
      const [stored] = (await server.dataSource.query(
        `SELECT COUNT(*) AS n FROM comments WHERE author_email = 'walker@example.org'`,
      )) as { n: number }[];
      expect(stored!.n).toBeGreaterThan(0);
      expect(res.data?.personalData.parts.find((p) => p.name === 'comments')?.count).toBe(
        stored!.n,
      );
    } finally {
      server.counter.onStatement = undefined;
    }
    expect(statements.length).toBeGreaterThanOrEqual(1);
    for (const { query, parameters } of statements) {
      const plan = (await server.dataSource.query(`EXPLAIN QUERY PLAN ${query}`, [
        ...parameters,
      ])) as { detail: string }[];
      expect(plan.map((r) => r.detail)).toContainEqual(
        expect.stringMatching(/^SEARCH c USING (COVERING )?INDEX idx_comments_email_match/),
      );
    }
  });

  it('erasing a person’s comments walks the replies below them by index', async () => {
    // Someone else's reply below the walker's first comment stays, moved up.
    await insertComment(server.db, {
      postId,
      parentId: chain[0]!,
      depth: 1,
      authorEmail: 'someone-else@example.org',
      createdAt: new Date(),
    });
    await expectIndexedWalks('erasePersonalData', () =>
      server.gqlAs(
        admin.token,
        `mutation($email: String!) { erasePersonalData(email: $email, mode: REMOVE) {
           erased { name count } errors { code } } }`,
        { email: 'walker@example.org' },
      ),
    );
  });
});
