import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import type { CommentRow, CommentStatus } from '../../src/modules/comments/entities.js';
import { tables } from '../../src/modules/index.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { insertComment, insertPost } from '../support/fixtures.js';
import { seededRandom } from '../support/fuzz.js';
import { databaseKinds, freshDatabase, startServer, type TestServer } from '../support/server.js';

const STATUSES: CommentStatus[] = ['APPROVED', 'PENDING', 'SPAM', 'TRASH'];
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateComments(ids: $ids, status: $status) { errors { code } } }`;
const DELETE = `mutation($id: ID!) { deleteComment(id: $id) { deletedIds errors { code } } }`;

interface Row {
  id: number;
  post_id: number;
  parent_id: number | null;
  status: CommentStatus;
  reply_count: number;
}

/** Every counter, recounted from scratch from the rows (the definitions, not the code). */
function recount(rows: Row[]) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const reachable = (r: Row): boolean =>
    r.status === 'APPROVED' && (r.parent_id === null || reachable(byId.get(r.parent_id)!));
  const replies = new Map<number, number>();
  const threads = new Map<number, { comments: number; topLevel: number }>();
  for (const r of rows) {
    if (r.status === 'APPROVED' && r.parent_id !== null)
      replies.set(r.parent_id, (replies.get(r.parent_id) ?? 0) + 1);
    const t = threads.get(r.post_id) ?? { comments: 0, topLevel: 0 };
    if (reachable(r)) t.comments++;
    if (r.parent_id === null && r.status === 'APPROVED') t.topLevel++;
    threads.set(r.post_id, t);
  }
  return { replies, threads };
}

describe.each(databaseKinds())('thread counters on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;
  let n = 0;

  beforeAll(async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    editor = await signedInUser(server, 'counters@example.com', 'EDITOR');
  });
  afterAll(() => server?.close());

  const moderate = async (ids: number[], status: CommentStatus) => {
    const res = await server.gqlAs<{ moderateComments: { errors: unknown[] } }>(
      editor.token,
      MODERATE,
      { ids: ids.map(String), status },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.moderateComments.errors).toEqual([]);
  };

  async function rowsOf(postIds: number[]): Promise<Row[]> {
    const rows = (await server.dataSource.query(
      `SELECT id, post_id, parent_id, status, reply_count FROM comments ORDER BY id`,
    )) as Row[];
    return rows
      .map((r) => ({
        ...r,
        id: Number(r.id),
        post_id: Number(r.post_id),
        parent_id: r.parent_id === null ? null : Number(r.parent_id),
        reply_count: Number(r.reply_count),
      }))
      .filter((r) => postIds.includes(r.post_id));
  }

  /** The stored counters of these posts equal a recount, and so do the public answers. */
  async function expectExact(postIds: number[]) {
    const rows = await rowsOf(postIds);
    const truth = recount(rows);
    for (const r of rows)
      expect([r.id, r.reply_count]).toEqual([r.id, truth.replies.get(r.id) ?? 0]);
    for (const postId of postIds) {
      const stored = (await server.dataSource.query(
        `SELECT comment_count, top_level_count FROM comment_threads WHERE post_id = ${postId}`,
      )) as { comment_count: number; top_level_count: number }[];
      const t = truth.threads.get(postId) ?? { comments: 0, topLevel: 0 };
      expect(
        stored.map((s) => [Number(s.comment_count), Number(s.top_level_count)])[0] ?? [0, 0],
      ).toEqual([t.comments, t.topLevel]);
    }
    return truth;
  }

  const at = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 60_000);

  it('equal a recount from scratch after a seeded random sequence of inserts, moderations and deletions', async () => {
    const random = seededRandom(9_001);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const posts = [
      (await insertPost(server.db, { slug: `counters-a-${++n}` })).id,
      (await insertPost(server.db, { slug: `counters-b-${n}` })).id,
    ];
    const comments: CommentRow[] = [];
    for (let step = 0; step < 160; step++) {
      const roll = random();
      if (roll < 0.5 || comments.length < 5) {
        // A comment at any depth, under any comment of its post (approved or not), mostly approved.
        const postId = pick(posts);
        const siblings = comments.filter((c) => c.postId === postId && c.depth < 5);
        const parent = random() < 0.7 && siblings.length ? pick(siblings) : null;
        const status = random() < 0.7 ? 'APPROVED' : pick(STATUSES);
        comments.push(
          await insertComment(server.db, {
            postId,
            parentId: parent?.id ?? null,
            depth: parent ? parent.depth + 1 : 0,
            status,
            createdAt: at(step),
          }),
        );
      } else if (roll < 0.92) {
        const ids = [
          ...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(comments).id)),
        ];
        await moderate(ids, pick(STATUSES));
      } else {
        const trashed = (await rowsOf(posts)).filter((r) => r.status === 'TRASH');
        if (trashed.length === 0) continue;
        const res = await server.gqlAs<{ deleteComment: { deletedIds: string[] } }>(
          editor.token,
          DELETE,
          { id: String(pick(trashed).id) },
        );
        const gone = new Set(res.data!.deleteComment.deletedIds.map(Number));
        comments.splice(0, comments.length, ...comments.filter((c) => !gone.has(c.id)));
      }
      if (step % 40 === 39) await expectExact(posts);
    }
    const truth = await expectExact(posts);
    // What readers are told is the same recount.
    for (const [i, postId] of posts.entries()) {
      const res = await server.gql<{
        post: { commentCount: number; comments: { totalCount: number } };
      }>(`query($s: String!) { post(slug: $s) { commentCount comments { totalCount } } }`, {
        s: i === 0 ? `counters-a-${n}` : `counters-b-${n}`,
      });
      expect(res.data!.post).toEqual({
        commentCount: truth.threads.get(postId)?.comments ?? 0,
        comments: { totalCount: truth.threads.get(postId)?.topLevel ?? 0 },
      });
    }
  }, 120_000);

  it('lose no update when moderations of one thread run at once', async () => {
    const random = seededRandom(4_242);
    const post = await insertPost(server.db, { slug: `counters-race-${++n}` });
    const ids: number[] = [];
    const depthOf = new Map<number, number>();
    for (let i = 0; i < 40; i++) {
      const parentId = i > 0 && random() < 0.75 ? ids[Math.floor(random() * ids.length)]! : null;
      const depth = parentId === null ? 0 : depthOf.get(parentId)! + 1;
      const c = await insertComment(server.db, {
        postId: post.id,
        parentId,
        depth,
        createdAt: at(i),
      });
      ids.push(c.id);
      depthOf.set(c.id, depth);
    }
    // Parents and their replies, approved and not, from 24 requests at once.
    await Promise.all(
      Array.from({ length: 24 }, () =>
        moderate(
          [...new Set(Array.from({ length: 3 }, () => ids[Math.floor(random() * ids.length)]!))],
          random() < 0.5 ? 'APPROVED' : 'PENDING',
        ),
      ),
    );
    await expectExact([post.id]);
  }, 60_000);

  it('take an unapproved comment with its approved replies out of the counts and lists, and back', async () => {
    const post = await insertPost(server.db, { slug: `counters-subtree-${++n}` });
    const top = await insertComment(server.db, { postId: post.id, createdAt: at(1) });
    const reply = await insertComment(server.db, {
      postId: post.id,
      parentId: top.id,
      depth: 1,
      createdAt: at(2),
    });
    await insertComment(server.db, {
      postId: post.id,
      parentId: reply.id,
      depth: 2,
      createdAt: at(3),
    });
    const other = await insertComment(server.db, { postId: post.id, createdAt: at(4) });
    type Shown = {
      post: {
        commentCount: number;
        comments: {
          totalCount: number;
          edges: { node: { id: string; replies: { totalCount: number; edges: unknown[] } } }[];
        };
      };
    };
    const shown = async () =>
      (
        await server.gql<Shown>(
          `query($s: String!) { post(slug: $s) { commentCount comments { totalCount
            edges { node { id replies { totalCount edges { node { id } } } } } } } }`,
          { s: post.slug },
        )
      ).data!.post;

    expect((await shown()).commentCount).toBe(4);
    await moderate([top.id], 'PENDING');
    let now = await shown();
    expect(now.commentCount).toBe(1);
    expect(now.comments.totalCount).toBe(1);
    expect(now.comments.edges.map((e) => e.node.id)).toEqual([String(other.id)]);

    await moderate([top.id], 'APPROVED');
    await moderate([reply.id], 'SPAM');
    now = await shown();
    expect(now.commentCount).toBe(2);
    expect(now.comments.edges[0]!.node.replies).toEqual({ totalCount: 0, edges: [] });

    await moderate([reply.id], 'APPROVED');
    now = await shown();
    expect(now.commentCount).toBe(4);
    expect(now.comments.edges[0]!.node.replies.totalCount).toBe(1);
    await expectExact([post.id]);
  });

  it('give each level of replies an exact totalCount and hasNextPage', async () => {
    const post = await insertPost(server.db, { slug: `counters-replies-${++n}` });
    const top = await insertComment(server.db, { postId: post.id, createdAt: at(0) });
    const replies: CommentRow[] = [];
    for (let i = 1; i <= 3; i++)
      replies.push(
        await insertComment(server.db, {
          postId: post.id,
          parentId: top.id,
          depth: 1,
          createdAt: at(i),
        }),
      );
    for (let i = 4; i <= 5; i++)
      await insertComment(server.db, {
        postId: post.id,
        parentId: replies[0]!.id,
        depth: 2,
        createdAt: at(i),
      });
    await insertComment(server.db, {
      postId: post.id,
      parentId: top.id,
      depth: 1,
      status: 'PENDING',
      createdAt: at(6),
    });
    type Page = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean };
      edges: { node: { id: string; replies?: Page } }[];
    };
    const page = async (first: number, second: number) => {
      const res = await server.gql<{
        post: { comments: { edges: { node: { replies: Page } }[] } };
      }>(
        `query($s: String!, $a: Int, $b: Int) { post(slug: $s) { comments { edges { node {
          replies(first: $a) { totalCount pageInfo { hasNextPage } edges { node { id
            replies(first: $b) { totalCount pageInfo { hasNextPage } edges { node { id } } } } } } } } } } }`,
        { s: post.slug, a: first, b: second },
      );
      expect(res.errors).toBeUndefined();
      return res.data!.post.comments.edges[0]!.node.replies;
    };
    const two = await page(2, 1);
    expect([two.totalCount, two.pageInfo.hasNextPage, two.edges.length]).toEqual([3, true, 2]);
    const below = two.edges[0]!.node.replies!;
    expect([below.totalCount, below.pageInfo.hasNextPage, below.edges.length]).toEqual([
      2,
      true,
      1,
    ]);
    const all = await page(3, 2);
    expect([all.totalCount, all.pageInfo.hasNextPage]).toEqual([3, false]);
    expect(all.edges.map((e) => e.node.id)).toEqual(replies.map((r) => String(r.id)));
    expect(all.edges[0]!.node.replies!.pageInfo.hasNextPage).toBe(false);
  });

  it("read the post list's commentCount for many posts in one statement", async () => {
    const slugs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const post = await insertPost(server.db, {
        slug: `counters-list-${++n}`,
        publishedAt: new Date(Date.now() - 1000 * (i + 1)),
      });
      slugs.push(post.slug);
      for (let k = 0; k < i; k++)
        await insertComment(server.db, { postId: post.id, createdAt: at(k) });
    }
    const statements: string[] = [];
    const subscriber = { afterQuery: (e: { query: string }) => void statements.push(e.query) };
    server.dataSource.subscribers.push(subscriber);
    const res = await server.gql<{
      posts: { edges: { node: { slug: string; commentCount: number } }[] };
    }>(`{ posts(first: 6) { edges { node { slug commentCount } } } }`);
    server.dataSource.subscribers.pop();
    expect(res.data!.posts.edges.map((e) => [e.node.slug, e.node.commentCount])).toEqual(
      slugs.map((slug, i) => [slug, i]),
    );
    expect(statements.filter((q) => /\bcomment(s|_threads)\b/.test(q))).toHaveLength(1);
  });
});

describe.each(databaseKinds())('the thread counters migration on %s', (kind) => {
  it('back-fills the counters of existing comments', async () => {
    const { db, drop } = await freshDatabase(kind);
    const database = await openDatabase(createDatabase(db, { tables }));
    try {
      const ds = database.writer;
      // Back to before the migration, comments written as they were then, and forward again.
      while (
        ((await ds.query(`SELECT name FROM migrations`)) as { name: string }[]).some(
          (m) => m.name === 'ThreadCounters1795479000000',
        )
      )
        await ds.undoLastMigration({ transaction: 'each' });
      await ds.query(
        `INSERT INTO authors (name, email, created_at) VALUES ('A', 'a@example.org', '2020-01-01 00:00:00')`,
      );
      await ds.query(
        `INSERT INTO posts (slug, title, content_html, content_source, excerpt, status, created_at, updated_at, author_id, comments_open, pings_open)
         VALUES ('p', 'p', '', '', '', 'PUBLISHED', '2020-01-01 00:00:00', '2020-01-01 00:00:00', 1, ${kind === 'postgres' ? 'TRUE' : '1'}, ${kind === 'postgres' ? 'TRUE' : '1'})`,
      );
      // 1 approved ← 2 approved ← 3 approved; 1 ← 4 pending ← 5 approved; 6 approved; 7 spam.
      const shape: [number | null, CommentStatus][] = [
        [null, 'APPROVED'],
        [1, 'APPROVED'],
        [2, 'APPROVED'],
        [1, 'PENDING'],
        [4, 'APPROVED'],
        [null, 'APPROVED'],
        [null, 'SPAM'],
      ];
      for (const [parent, status] of shape)
        await ds.query(
          `INSERT INTO comments (post_id, parent_id, depth, author_name, author_email, content_text, content_html, status, created_at)
           VALUES (1, ${parent ?? 'NULL'}, 0, 'n', 'e@example.org', 't', 't', '${status}', '2020-01-02 00:00:00')`,
        );
      await ds.runMigrations({ transaction: 'each' });
      const replies = (await ds.query(`SELECT id, reply_count FROM comments ORDER BY id`)) as {
        id: number;
        reply_count: number;
      }[];
      expect(replies.map((r) => Number(r.reply_count))).toEqual([1, 1, 0, 1, 0, 0, 0]);
      const [thread] = (await ds.query(
        `SELECT comment_count, top_level_count FROM comment_threads`,
      )) as {
        comment_count: number;
        top_level_count: number;
      }[];
      expect([Number(thread!.comment_count), Number(thread!.top_level_count)]).toEqual([4, 2]);
    } finally {
      await database.close();
      await drop();
    }
  });
});
