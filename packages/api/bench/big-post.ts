// The 1,000,000-comment post of `pnpm bench` (run.ts): the post and its
// thread, the requests a reader of it makes, and the checks that their
// answers hold what they should.
import type { Database } from '../src/db/database.js';
import { SqlParams } from '../src/db/params.js';
import { encodeCursor } from '../src/lib/pagination.js';
import type { CommentRow } from '../src/modules/comments/entities.js';
import { insertPost } from '../test/support/fixtures.js';
import { buildBigThread } from './big-thread.js';

export const BIG_SLUG = 'a-million-comments';
/** The seed post's id: it gets comments up to BASELINE_COMMENTS, the baseline's thread. */
export const SEED_POST_ID = 1;
export const BASELINE_COMMENTS = 50;
/** PostPage's page of top-level comments, and of replies at every level (web/src/graphql/posts.graphql). */
const PAGE = 50;

/** A comment deep in the big thread with several replies, and how a reader reaches it by cursors. */
export interface DeepComment {
  id: number;
  parentId: number;
  replyCount: number;
  /** Post.comments(first: 1, after) starts at its parent: the top-level comment before it. */
  parentAfter: string;
  /** Its parent's replies(first: 1, after) start at it: the reply before it. */
  after: string;
}

/**
 * A published post with `count` approved comments (bench/big-thread.ts), and
 * the seed post brought to BASELINE_COMMENTS approved comments: the two
 * threads compared. Returns the big post's id.
 */
export async function buildBigPost(db: Database, count: number): Promise<number> {
  const seedCount = await approvedComments(db, SEED_POST_ID);
  if (seedCount > BASELINE_COMMENTS)
    throw new Error(`the seed post has ${seedCount} comments, more than the baseline's`);
  await buildBigThread(db, SEED_POST_ID, BASELINE_COMMENTS - seedCount);
  // As the tests store a published post (test/support/fixtures.ts).
  const post = await insertPost(db, { slug: BIG_SLUG, title: 'A million comments' });
  await buildBigThread(db, post.id, count);
  return post.id;
}

async function approvedComments(db: Database, postId: number): Promise<number> {
  const p = new SqlParams(db.kind);
  const [row] = (await db.read.query(
    `SELECT COUNT(*) AS n FROM comments WHERE post_id = ${p.add(postId)} AND status = 'APPROVED'`,
    p.values,
  )) as [{ n: number | string }];
  return Number(row.n);
}

/** What PostPage's page `index` (from 0) of a post's thread holds: its top-level comments, and whether more follow. */
export async function pageOfThread(
  db: Database,
  postId: number,
  index: number,
): Promise<{ topLevel: number; hasNextPage: boolean }> {
  const p = new SqlParams(db.kind);
  const [row] = (await db.read.query(
    `SELECT COUNT(*) AS n FROM comments
     WHERE post_id = ${p.add(postId)} AND parent_id IS NULL AND status = 'APPROVED'`,
    p.values,
  )) as [{ n: number | string }];
  const left = Number(row.n) - index * PAGE;
  return { topLevel: Math.max(0, Math.min(PAGE, left)), hasNextPage: left > PAGE };
}

/**
 * A reply far into the big thread (the last at depth 1 with at least two
 * replies of its own, and a reply before it), with the cursors that reach
 * it: a page of one top-level comment after the one before its parent, a
 * page of one reply after the one before it.
 */
export async function findDeepComment(db: Database, postId: number): Promise<DeepComment> {
  const p = new SqlParams(db.kind);
  const [found] = (await db.read.query(
    `SELECT c.id AS id FROM comments c
     WHERE c.post_id = ${p.add(postId)} AND c.depth = 1 AND c.status = 'APPROVED' AND c.reply_count >= 2
       AND EXISTS (SELECT 1 FROM comments s WHERE s.parent_id = c.parent_id AND s.status = 'APPROVED'
                   AND (s.created_at, s.id) < (c.created_at, c.id))
     ORDER BY c.id DESC LIMIT 1`,
    p.values,
  )) as { id: number | string }[];
  if (!found) throw new Error('big thread: no reply at depth 1 with two replies');
  const comments = db.read.getRepository<CommentRow>('Comment');
  const comment = await comments.findOneByOrFail({ id: Number(found.id) });
  const before = async (of: CommentRow, siblings: string): Promise<string> => {
    const q = new SqlParams(db.kind);
    const [row] = (await db.read.query(
      `SELECT s.id AS id FROM comments s, comments c
       WHERE c.id = ${q.add(of.id)} AND ${siblings} AND s.status = 'APPROVED'
         AND (s.created_at, s.id) < (c.created_at, c.id)
       ORDER BY s.created_at DESC, s.id DESC LIMIT 1`,
      q.values,
    )) as { id: number | string }[];
    if (!row) throw new Error(`big thread: nothing before comment ${of.id}`);
    const previous = await comments.findOneByOrFail({ id: Number(row.id) });
    return encodeCursor({ time: previous.createdAt.getTime(), id: previous.id });
  };
  const parent = await comments.findOneByOrFail({ id: comment.parentId! });
  return {
    id: comment.id,
    parentId: parent.id,
    replyCount: comment.replyCount,
    parentAfter: await before(parent, 's.post_id = c.post_id AND s.parent_id IS NULL'),
    after: await before(comment, 's.parent_id = c.parent_id'),
  };
}

const COMMENT_FIELDS = `fragment CommentFields on Comment { id depth authorName authorUrl content createdAt }`;

/** The replies of a deep comment, reached through its parent by cursors (no read-ahead: a later page at each level). */
export const REPLY_PAGE = `query ReplyPage($slug: String!, $parentAfter: String, $after: String) {
  post(slug: $slug) {
    comments(first: 1, after: $parentAfter) {
      edges { node { id replies(first: 1, after: $after) {
        edges { node { id replies(first: ${PAGE}) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { ...CommentFields } }
        } } }
      } } }
    }
  }
}
${COMMENT_FIELDS}`;

interface Node {
  id: string;
  replies?: { edges: { node: Node }[] };
}

interface PostPageData {
  post: {
    commentCount: number;
    comments: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: Node }[];
    };
  } | null;
}

interface ReplyPageData {
  post: {
    comments: {
      edges: {
        node: {
          id: string;
          replies: {
            edges: {
              node: { id: string; replies: { totalCount: number; edges: { node: Node }[] } };
            }[];
          };
        };
      }[];
    };
  } | null;
}

function parse<T>(name: string, body: Buffer): T {
  const res = JSON.parse(body.toString('utf8')) as { data?: T; errors?: unknown[] };
  if (res.errors?.length || !res.data)
    throw new Error(`${name}: GraphQL errors ${JSON.stringify(res.errors).slice(0, 500)}`);
  return res.data;
}

function expect(name: string, what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${name}: ${what} is ${actual}, not ${expected}`);
}

/** Every comment of a page, every level. */
const nodesOf = (edges: { node: Node }[]): Node[] =>
  edges.flatMap(({ node }) => [node, ...nodesOf(node.replies?.edges ?? [])]);

/**
 * Checks a PostPage answer against the database: the post's comment count,
 * the page's top-level comments, and for every comment on it as many replies
 * as it has (up to a page). Returns the page's comments and its endCursor.
 */
export async function checkPostPage(
  db: Database,
  name: string,
  body: Buffer,
  expected: { commentCount: number; topLevel: number; hasNextPage: boolean },
): Promise<{ ids: string[]; endCursor: string | null }> {
  const { post } = parse<PostPageData>(name, body);
  if (!post) throw new Error(`${name}: no post`);
  expect(name, 'commentCount', post.commentCount, expected.commentCount);
  expect(name, 'top-level comments on the page', post.comments.edges.length, expected.topLevel);
  expect(name, 'hasNextPage', post.comments.pageInfo.hasNextPage, expected.hasNextPage);
  const nodes = nodesOf(post.comments.edges);
  const ids = nodes.map((n) => n.id);
  expect(name, 'distinct comments', new Set(ids).size, ids.length);
  const p = new SqlParams(db.kind);
  const rows = (await db.read.query(
    `SELECT id, reply_count FROM comments WHERE id IN (${p.list(ids.map(Number))})`,
    p.values,
  )) as { id: number | string; reply_count: number | string }[];
  const replyCounts = new Map(rows.map((r) => [String(r.id), Number(r.reply_count)]));
  for (const node of nodes) {
    const shown = node.replies?.edges.length ?? 0;
    expect(
      name,
      `replies shown of comment ${node.id}`,
      shown,
      Math.min(PAGE, replyCounts.get(node.id) ?? -1),
    );
  }
  return { ids, endCursor: post.comments.pageInfo.endCursor };
}

/** Checks a ReplyPage answer: the deep comment, through its parent, with all its replies. */
export function checkReplyPage(name: string, body: Buffer, deep: DeepComment): void {
  const { post } = parse<ReplyPageData>(name, body);
  const parent = post?.comments.edges[0]?.node;
  expect(name, 'parent', parent?.id, String(deep.parentId));
  const comment = parent!.replies.edges[0]?.node;
  expect(name, 'comment', comment?.id, String(deep.id));
  expect(name, 'replies totalCount', comment!.replies.totalCount, deep.replyCount);
  expect(
    name,
    'replies on the page',
    comment!.replies.edges.length,
    Math.min(PAGE, deep.replyCount),
  );
}
