// The set-up the comments/*.test.ts files share: one server per database, the
// seed post and its first comment, a submitComment client and the thread query.
import { afterAll, beforeAll, expect } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { commentClient } from './comments.js';
import { insertComment, insertPost, setDiscussionSettings } from './fixtures.js';
import { startServer, type DbKind, type TestServer } from './server.js';

export const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

export const THREAD = `query($slug: String!, $first: Int, $after: String) {
  post(slug: $slug) {
    commentCount
    comments(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node {
        id depth authorName authorUrl content createdAt parent { id }
        replies { totalCount edges { node { id depth authorName authorUrl content parent { id } } } }
      } }
    }
  }
}`;

export interface ThreadNode {
  id: string;
  depth: number;
  authorName: string;
  authorUrl: string | null;
  content: string;
  parent: { id: string } | null;
  replies: { totalCount: number; edges: { node: Omit<ThreadNode, 'replies'> }[] };
}

export interface ThreadResult {
  post: {
    commentCount: number;
    comments: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { cursor: string; node: ThreadNode }[];
    };
  } | null;
}

/**
 * Call inside a `describe.each(databaseKinds())` block: starts a server on `kind`
 * for the block (closing it after), and returns what its tests use. `server`,
 * `seedPost` and `seedComment` are read through the returned object, since they
 * are only there once the block's beforeAll has run.
 */
export function commentsSuite(kind: DbKind) {
  let server: TestServer;
  let seedPost: PostRow;
  let seedComment: CommentRow;
  let emailCounter = 0;

  beforeAll(async () => {
    server = await startServer(kind);
    // These tests submit many comments in quick succession from 127.0.0.1; the
    // flood rule has its own tests (pipeline.test.ts).
    await setDiscussionSettings(server.db, { minSecondsBetweenComments: 0 });
    seedPost = await server.repo<PostRow>('Post').findOneByOrFail({ slug: SEED_SLUG });
    seedComment = await server.repo<CommentRow>('Comment').findOneByOrFail({ postId: seedPost.id });
  });
  afterAll(() => server?.close());

  /** An email address no comment has used yet. */
  const freshEmail = () => `visitor${++emailCounter}@example.net`;

  const addPost = (fields: Partial<PostRow> & { slug: string }) =>
    insertPost(server.db, { authorId: seedPost.authorId, ...fields });

  const addComment = (fields: Partial<CommentRow> & { postId: number; createdAt: Date }) =>
    insertComment(server.db, fields);

  const client = commentClient(
    () => server,
    () => ({
      postId: String(seedPost.id),
      authorName: 'Ada Lovelace',
      authorEmail: freshEmail(),
      content: 'A thoughtful comment.',
    }),
  );

  async function thread(slug: string, first?: number, after?: string | null) {
    const res = await server.gql<ThreadResult>(THREAD, { slug, first, after });
    expect(res.errors).toBeUndefined();
    expect(res.data!.post).not.toBeNull();
    return { post: res.data!.post!, raw: res.raw };
  }

  return {
    get server() {
      return server;
    },
    get seedPost() {
      return seedPost;
    },
    get seedComment() {
      return seedComment;
    },
    addPost,
    addComment,
    thread,
    ...client,
  };
}
