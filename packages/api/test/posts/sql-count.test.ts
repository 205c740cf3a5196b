import fs from 'node:fs';
import path from 'node:path';
import type { AfterQueryEvent, EntitySubscriberInterface } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/lib/pagination.js';
import { insertPost } from '../support/fixtures.js';
import { bulkLinkbacks } from '../support/linkbacks.js';
import { buildBigThread } from '../../bench/big-thread.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
// The SPA's own post page query: what a reader's page load really costs.
const webGraphql = path.resolve(import.meta.dirname, '../../../web/src/graphql');
const POST_PAGE = ['posts.graphql', 'comments.graphql']
  .map((f) => fs.readFileSync(path.join(webGraphql, f), 'utf8'))
  .join('\n');

interface PageNode {
  id: string;
  createdAt: string;
  replies?: { edges: { node: PageNode }[] };
}

type PostPage = {
  post: {
    commentCount: number;
    tags: { name: string; slug: string }[];
    comments: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: PageNode }[];
    };
    linkbacks: { edges: unknown[] };
    shareLinks: unknown[];
  };
};

/** The comments of a page, every level. */
function nodesOf(edges: { node: PageNode }[]): PageNode[] {
  return edges.flatMap(({ node }) => [node, ...nodesOf(node.replies?.edges ?? [])]);
}

interface Read {
  query: string;
  parameters: unknown[];
  rows: number;
}

/** The statements the server's read connection ran, with the rows each returned. */
function recordReads(server: TestServer): Read[] {
  const seen: Read[] = [];
  const subscriber: EntitySubscriberInterface = {
    afterQuery(event: AfterQueryEvent<unknown>) {
      const raw = event.rawResults as unknown[] | { rows?: unknown[] } | undefined;
      const rows = Array.isArray(raw) ? raw.length : (raw?.rows?.length ?? 0);
      seen.push({ query: event.query, parameters: event.parameters ?? [], rows });
    },
  };
  server.dataSource.subscribers.push(subscriber);
  return seen;
}

describe.each(databaseKinds())('SQL statements per post page on %s', (kind) => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  async function pageCost(after?: string | null) {
    let data: PostPage | undefined;
    const reads = recordReads(server!);
    const statements = await server!.countQueries(async () => {
      const res = await server!.gql<PostPage>(POST_PAGE, { slug: SLUG, after }, 'PostPage');
      expect(res.errors).toBeUndefined();
      data = res.data;
    });
    server!.dataSource.subscribers.pop();
    // The statements that read comments or their counters: the thread's.
    const thread = reads.filter((r) => /\bcomment(s|_threads)\b/.test(r.query));
    return { statements, data: data!, thread };
  }

  it('costs the same statements for 1, 200 and 100,000 comments: the whole comment tree is one, bounded by the page', async () => {
    // No job worker: its polling would be counted with the request.
    server = await startServer(kind, { env: { JOB_WORKER: '0', COLLOQUY_CACHE: 'off' } });
    await pageCost(); // first request may warm TypeORM metadata; counts are taken after
    const one = await pageCost();
    expect(one.data.post.commentCount).toBe(1);
    expect(one.data.post.linkbacks.edges).toHaveLength(3);
    expect(one.data.post.shareLinks).toHaveLength(6);
    // The post with its author and tags, the thread's page with its counters, the linkbacks
    // page with its count. The settings (site, discussion) and share targets are kept in
    // memory until a change names the site.
    expect(one.statements).toBe(3);
    expect(one.data.post.tags.map((t) => t.slug)).toEqual(['smsmhealth']);

    for (const [add, total] of [
      [199, 200],
      [99_800, 100_000],
    ] as const) {
      await buildBigThread(server.db, 1, add);
      // Written with SQL of its own (a change of everything): the settings are read again once.
      await pageCost();
      const page = await pageCost();
      const { post } = page.data;
      expect(post.commentCount).toBe(total);
      expect(page.statements).toBe(one.statements);

      const topLevel = (await server.dataSource.query(
        `SELECT COUNT(*) AS n FROM comments WHERE post_id = 1 AND parent_id IS NULL`,
      )) as { n: number | string }[];
      expect(post.comments.totalCount).toBe(Number(topLevel[0]!.n));
      expect(post.comments.edges).toHaveLength(50);
      expect(post.comments.pageInfo.hasNextPage).toBe(true);
      // Replies several levels deep, read ahead with their parents.
      const nodes = nodesOf(post.comments.edges);
      expect(nodes.length).toBeGreaterThan(55);

      // One statement for the tree and the counts, returning the page's comments
      // and the one extra top-level row that says there is a next page: not the thread.
      expect(page.thread).toHaveLength(1);
      expect(page.thread[0]!.rows).toBe(nodes.length + 1);
      expect(page.thread[0]!.rows).toBeLessThan(500);
    }

    // It reads the thread by its indexes: the page's rows, never a scan of the post's comments.
    const [thread] = (await pageCost()).thread;
    if (kind === 'postgres') await server.dataSource.query('ANALYZE comments');
    const plan = (
      (await server.dataSource.query(
        `${kind === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${thread!.query}`,
        thread!.parameters,
      )) as Record<string, string>[]
    ).map((r) => r.detail ?? r['QUERY PLAN']!);
    expect(plan.join('\n')).toContain('idx_comments_top_level');
    expect(plan.join('\n')).toContain('idx_comments_replies');
    const scans = plan.filter((line) =>
      kind === 'postgres' ? /Seq Scan on comments/.test(line) : /^SCAN (c|r|comments)\b/.test(line),
    );
    expect(scans).toEqual([]);
  }, 300_000);

  it('reads the second page of a 100,000-comment thread by its cursor at the same cost, right after the first', async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0', COLLOQUY_CACHE: 'off' } });
    await buildBigThread(server.db, 1, 100_000);
    await pageCost();
    const first = await pageCost();
    const second = await pageCost(first.data.post.comments.pageInfo.endCursor);
    expect(second.statements).toBe(first.statements);
    expect(second.thread).toHaveLength(1);
    const [a, b] = [first, second].map((p) => p.data.post.comments.edges.map((e) => e.node));
    expect(b).toHaveLength(50);
    expect(new Set([...a!, ...b!].map((n) => n.id)).size).toBe(100);
    // Oldest first across the two pages, as the keyset on (createdAt, id) orders them.
    const order = [...a!, ...b!].map((n) => [Date.parse(n.createdAt), Number(n.id)] as const);
    const sorted = [...order].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(order).toEqual(sorted);
    // No comment skipped between the pages: page 2 starts at the 51st top-level comment.
    const fiftyFirst = (await server.dataSource.query(
      `SELECT id FROM comments WHERE post_id = 1 AND parent_id IS NULL AND status = 'APPROVED'
       ORDER BY created_at, id LIMIT 1 OFFSET 50`,
    )) as { id: number }[];
    expect(b![0]!.id).toBe(String(fiftyFirst[0]!.id));
    expect(second.data.post.commentCount).toBe(100_001);
  }, 300_000);

  it('reads linkbacks by page in one statement: the same for 3 and for 5,000 approved linkbacks', async () => {
    // No job worker: its polling would be counted with the request.
    server = await startServer(kind, { env: { JOB_WORKER: '0', COLLOQUY_CACHE: 'off' } });
    type Linkbacks = {
      post: {
        linkbackCount: number;
        linkbacks: {
          totalCount: number;
          edges: { cursor: string; node: { sourceUrl: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
    };
    await pageCost();
    const few = await pageCost();
    const fewPost = few.data.post as unknown as Linkbacks['post'];
    expect(fewPost.linkbackCount).toBe(3);
    expect(fewPost.linkbacks.edges).toHaveLength(3);

    await bulkLinkbacks(server.db, 1, 4997);
    await pageCost(); // the settings are read again once after a change of everything
    const many = await pageCost();
    const manyPost = many.data.post as unknown as Linkbacks['post'];
    expect(manyPost.linkbackCount).toBe(5000);
    // The page query's first: 100, oldest first: the seed's three pingbacks (2012), then the bulk ones.
    expect(manyPost.linkbacks.edges).toHaveLength(100);
    expect(manyPost.linkbacks.edges[3]!.node.sourceUrl).toBe('https://bulk.example.net/1/0');
    expect(many.statements).toBe(few.statements);

    // Page 2 by cursor: bulk 96 and 97 share a minute, and page 1 ends between them.
    const PAGE = `query($slug: String!, $after: String) { post(slug: $slug) { linkbackCount
      linkbacks(first: 100, after: $after) { totalCount edges { cursor node { sourceUrl } } pageInfo { hasNextPage endCursor } } } }`;
    const first = await server.gql<Linkbacks>(PAGE, { slug: SLUG });
    expect(first.data!.post.linkbacks.edges.map((e) => e.node.sourceUrl)).toEqual(
      manyPost.linkbacks.edges.map((e) => e.node.sourceUrl),
    );
    expect(first.data!.post.linkbacks.pageInfo.hasNextPage).toBe(true);
    let second: Linkbacks | undefined;
    const secondCost = await server.countQueries(async () => {
      second = (
        await server!.gql<Linkbacks>(PAGE, {
          slug: SLUG,
          after: first.data!.post.linkbacks.pageInfo.endCursor,
        })
      ).data;
    });
    expect(second!.post.linkbacks.edges.map((e) => e.node.sourceUrl)).toEqual(
      Array.from({ length: 100 }, (_, i) => `https://bulk.example.net/1/${97 + i}`),
    );
    expect(second!.post.linkbacks).toMatchObject({
      totalCount: 5000,
      pageInfo: { hasNextPage: true },
    });
    // The post (with its author), and the linkbacks with their count.
    expect(secondCost).toBe(2);

    // The last page: after the next-to-last linkback, one left and no next page.
    const last = await server.gql<Linkbacks>(PAGE, {
      slug: SLUG,
      after: encodeCursor({ time: Date.UTC(2014, 0, 1) + 2497 * 60_000, id: 4 + 4995 }),
    });
    expect(last.data!.post.linkbacks.edges.map((e) => e.node.sourceUrl)).toEqual([
      'https://bulk.example.net/1/4996',
    ]);
    expect(last.data!.post.linkbacks.pageInfo).toEqual({
      hasNextPage: false,
      endCursor: last.data!.post.linkbacks.edges[0]!.cursor,
    });
  });

  it('lists posts with their authors and linkback counts in two statements however many posts there are', async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0', COLLOQUY_CACHE: 'off' } });
    const LIST = `{ posts(first: 20) { edges { node { slug author { id name } linkbackCount } } } }`;
    type List = {
      posts: { edges: { node: { author: { name: string }; linkbackCount: number } }[] };
    };
    const cost = async () => {
      let data: List | undefined;
      const statements = await server!.countQueries(async () => {
        data = (await server!.gql<List>(LIST)).data;
      });
      return { statements, edges: data!.posts.edges };
    };
    await cost();
    const one = await cost();
    expect(one.edges).toHaveLength(1);
    expect(one.edges[0]!.node.linkbackCount).toBe(3);
    for (let i = 0; i < 30; i++) await insertPost(server.db, { slug: `post-${i}` });
    const many = await cost();
    expect(many.edges).toHaveLength(20);
    expect(many.edges.every((e) => e.node.author.name === one.edges[0]!.node.author.name)).toBe(
      true,
    );
    expect(many.edges.every((e) => e.node.linkbackCount === 0)).toBe(true);
    // The page of posts joined to their authors; every post's linkback counter.
    expect(one.statements).toBe(2);
    expect(many.statements).toBe(2);

    // One post: its author comes with it.
    const post = await server.countQueries(() =>
      server!.gql(`{ post(slug: "${SLUG}") { title author { name url } } }`),
    );
    expect(post).toBe(1);
  });

  it('costs no statement at all on a response cache hit, for 1 comment and for 200', async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    await pageCost(); // stored
    const one = await pageCost();
    expect(one.data.post.commentCount).toBe(1);
    expect(one.statements).toBe(0);
    await buildBigThread(server.db, 1, 199);
    await pageCost(); // the thread changed: answered anew and stored again
    const many = await pageCost();
    expect(many.data.post.commentCount).toBe(200);
    expect(many.statements).toBe(0);
  });
});
