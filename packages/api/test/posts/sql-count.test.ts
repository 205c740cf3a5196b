import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { LinkbackRow } from '../../src/modules/linkbacks/entities.js';
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
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    await pageCost(); // first request may warm TypeORM metadata; counts are taken after
    const one = await pageCost();
    expect(one.data.post.commentCount).toBe(1);
    expect(one.data.post.linkbacks.edges).toHaveLength(3);
    expect(one.data.post.shareLinks).toHaveLength(6);

    await addThread(server, 199);
    const many = await pageCost();
    expect(many.data.post.commentCount).toBe(200);
    expect(many.data.post.comments.edges).toHaveLength(41); // the seed comment + 40 threads of five
    expect(
      many.data.post.comments.edges[1]!.node.replies.edges[0]!.node.replies.edges,
    ).toHaveLength(1);

    // Settings (site and discussion, one statement), post, author, tags, comment thread,
    // linkbacks, share targets.
    expect(one.statements).toBe(7);
    expect(many.statements).toBe(one.statements);
  });

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
