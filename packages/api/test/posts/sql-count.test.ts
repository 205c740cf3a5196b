import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { encodeCursor } from '../../src/lib/pagination.js';
import { insertPost } from '../support/fixtures.js';
import { bulkLinkbacks } from '../support/linkbacks.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
// The SPA's own post page query: what a reader's page load really costs.
const webGraphql = path.resolve(import.meta.dirname, '../../../web/src/graphql');
const POST_PAGE = ['posts.graphql', 'comments.graphql']
  .map((f) => fs.readFileSync(path.join(webGraphql, f), 'utf8'))
  .join('\n');

/** Adds `count` approved comments to post 1, threaded five levels deep. */
async function addThread(server: TestServer, count: number): Promise<void> {
  const repo = server.repo<CommentRow>('Comment');
  const start = Date.UTC(2013, 0, 1);
  const parents: (CommentRow | null)[] = [null];
  for (let i = 0; i < count; i++) {
    // Every fifth comment starts a new top-level thread; the others reply to the previous one.
    const parent = i % 5 === 0 ? null : (parents.at(-1) ?? null);
    const row = await repo.save({
      postId: 1,
      parentId: parent?.id ?? null,
      depth: parent ? parent.depth + 1 : 0,
      authorName: `Reader ${i}`,
      authorEmail: `reader${i}@example.org`,
      authorUrl: null,
      contentText: `Comment ${i}`,
      contentHtml: `<p>Comment ${i}</p>`,
      status: 'APPROVED',
      ip: null,
      userAgent: null,
      createdAt: new Date(start + i * 60_000),
    });
    parents.push(row);
  }
}

type PostPage = {
  post: {
    commentCount: number;
    comments: {
      edges: { node: { replies: { edges: { node: { replies: { edges: unknown[] } } }[] } } }[];
    };
    linkbacks: { edges: unknown[] };
    shareLinks: unknown[];
  };
};

describe.each(databaseKinds())('SQL statements per post page on %s', (kind) => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  async function pageCost(): Promise<{ statements: number; data: PostPage }> {
    let data: PostPage | undefined;
    const statements = await server!.countQueries(async () => {
      const res = await server!.gql<PostPage>(POST_PAGE, { slug: SLUG }, 'PostPage');
      expect(res.errors).toBeUndefined();
      data = res.data;
    });
    return { statements, data: data! };
  }

  it('costs the same small number of statements for 1 comment and for 200 threaded comments', async () => {
    // No job worker: its polling would be counted with the request.
    server = await startServer(kind, { env: { JOB_WORKER: '0', COLLOQUY_CACHE: 'off' } });
    await pageCost(); // first request may warm TypeORM metadata; counts are taken after
    const one = await pageCost();
    expect(one.data.post.commentCount).toBe(1);
    expect(one.data.post.linkbacks.edges).toHaveLength(3);
    expect(one.data.post.shareLinks).toHaveLength(6);

    await addThread(server, 199);
    // Written straight to the table (a change of everything): the settings are read again once.
    await pageCost();
    const many = await pageCost();
    expect(many.data.post.commentCount).toBe(200);
    expect(many.data.post.comments.edges).toHaveLength(41); // the seed comment + 40 threads of five
    expect(
      many.data.post.comments.edges[1]!.node.replies.edges[0]!.node.replies.edges,
    ).toHaveLength(1);

    // The post with its author, tags, comment thread, linkbacks with their count. The settings
    // (site, discussion) and share targets are kept in memory until a change names the site.
    expect(one.statements).toBe(4);
    expect(many.statements).toBe(one.statements);
  });

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
    await addThread(server, 199);
    await pageCost(); // the thread changed: answered anew and stored again
    const many = await pageCost();
    expect(many.data.post.commentCount).toBe(200);
    expect(many.statements).toBe(0);
  });
});
