import fs from 'node:fs';
import path from 'node:path';
import type { AfterQueryEvent, EntitySubscriberInterface } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBigThread } from '../../bench/big-thread.js';
import type { LinkbackRow } from '../../src/modules/linkbacks/entities.js';
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
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    await pageCost(); // first request may warm TypeORM metadata; counts are taken after
    const one = await pageCost();
    expect(one.data.post.commentCount).toBe(1);
    expect(one.data.post.linkbacks.edges).toHaveLength(3);
    expect(one.data.post.shareLinks).toHaveLength(6);
    // Settings (site and discussion, one statement), post, author, tags, the
    // thread's page with its counters, linkbacks, share targets.
    expect(one.statements).toBe(7);

    for (const [add, total] of [
      [199, 200],
      [99_800, 100_000],
    ] as const) {
      await buildBigThread(server.db, 1, add);
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
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
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

  it('does not grow with the number of linkbacks either', async () => {
    // No job worker: its polling would be counted with the request.
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    await pageCost();
    const before = await pageCost();
    const repo = server.repo<LinkbackRow>('Linkback');
    for (let i = 0; i < 50; i++) {
      await repo.save({
        postId: 1,
        kind: 'WEBMENTION',
        sourceUrl: `https://example.net/${i}`,
        title: `Mention ${i}`,
        excerpt: null,
        blogName: null,
        status: 'APPROVED',
        createdAt: new Date(Date.UTC(2014, 0, 1, 0, i)),
      });
    }
    const after = await pageCost();
    expect(after.data.post.linkbacks.edges).toHaveLength(53);
    expect(after.statements).toBe(before.statements);
  });
});
