import { describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { commentsSuite, SEED_SLUG } from '../support/comments-suite.js';
import { databaseKinds, type GraphQLResponse } from '../support/server.js';

describe.each(databaseKinds())('comments on %s', (kind) => {
  const env = commentsSuite(kind);
  const { addPost, addComment, thread, accepted } = env;

  describe('content rendering', () => {
    it('escapes markup so a script comes back as text', async () => {
      const { payload, row } = await accepted({ content: '<script>alert(1)</script>' });
      expect(payload.comment!.content).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
      expect(payload.comment!.content).not.toContain('<script');
      expect(row.contentText).toBe('<script>alert(1)</script>');
    });

    it('makes paragraphs from blank lines, <br> from single newlines and nofollow links from URLs', async () => {
      const { payload } = await accepted({
        content:
          'First line\r\nsecond line\n\n\nNew paragraph with https://example.com/page?a=1&b=2.\n\n<b>"quoted"</b> & \'single\'',
      });
      expect(payload.comment!.content).toBe(
        '<p>First line<br>\nsecond line</p>\n' +
          '<p>New paragraph with <a href="https://example.com/page?a=1&amp;b=2" rel="nofollow ugc">' +
          'https://example.com/page?a=1&amp;b=2</a>.</p>\n' +
          '<p>&lt;b&gt;&quot;quoted&quot;&lt;/b&gt; &amp; &#39;single&#39;</p>',
      );
    });

    it('does not turn javascript: into a link', async () => {
      const { payload } = await accepted({ content: 'javascript:alert(document.cookie)' });
      expect(payload.comment!.content).toBe('<p>javascript:alert(document.cookie)</p>');
    });

    it('drops control characters from the content (NUL is refused earlier: bad-input.test.ts)', async () => {
      const { payload } = await accepted({ content: 'bell\u0007 and escape\u001B gone' });
      expect(payload.comment!.content).toBe('<p>bell and escape gone</p>');
    });
  });

  describe('pagination', () => {
    it('pages approved top-level comments oldest first, and their replies', async () => {
      const post = await addPost({ slug: 'comment-pages' });
      const at = (minute: number) => new Date(Date.UTC(2021, 4, 1, 12, minute));
      const top: CommentRow[] = [];
      // Inserted out of order, so the order must come from createdAt.
      for (const minute of [30, 10, 50, 20, 40]) {
        top.push(
          await addComment({
            postId: post.id,
            authorName: `top-${minute}`,
            createdAt: at(minute),
          }),
        );
      }
      const byTime = [...top].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      // Not approved, so not listed; nor are approved comments below them.
      const pending = await addComment({ postId: post.id, status: 'PENDING', createdAt: at(15) });
      const trashed = await addComment({ postId: post.id, status: 'TRASH', createdAt: at(16) });
      const underPending = await addComment({
        postId: post.id,
        parentId: pending.id,
        depth: 1,
        createdAt: at(17),
      });
      await addComment({
        postId: post.id,
        parentId: underPending.id,
        depth: 2,
        createdAt: at(18),
      });
      await addComment({ postId: post.id, parentId: trashed.id, depth: 1, createdAt: at(19) });
      // Three approved replies (and one spam) under the oldest top-level comment.
      const parent = byTime[0]!;
      const replies: CommentRow[] = [];
      for (const minute of [33, 31, 32]) {
        replies.push(
          await addComment({
            postId: post.id,
            parentId: parent.id,
            depth: 1,
            authorName: `reply-${minute}`,
            createdAt: at(minute),
          }),
        );
      }
      await addComment({
        postId: post.id,
        parentId: parent.id,
        depth: 1,
        status: 'SPAM',
        createdAt: at(34),
      });
      const repliesByTime = [...replies].sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
      );

      // Top level: 2 + 2 + 1.
      const seen: string[] = [];
      let after: string | null = null;
      const pages: boolean[] = [];
      for (let page = 0; page < 3; page++) {
        const { post: shown } = await thread(post.slug, 2, after);
        expect(shown.commentCount).toBe(8);
        expect(shown.comments.totalCount).toBe(5);
        expect(shown.comments.edges).toHaveLength(page < 2 ? 2 : 1);
        seen.push(...shown.comments.edges.map((e) => e.node.authorName));
        pages.push(shown.comments.pageInfo.hasNextPage);
        expect(shown.comments.pageInfo.endCursor).toBe(shown.comments.edges.at(-1)!.cursor);
        after = shown.comments.pageInfo.endCursor;
      }
      expect(pages).toEqual([true, true, false]);
      expect(seen).toEqual(['top-10', 'top-20', 'top-30', 'top-40', 'top-50']);
      const beyond = await thread(post.slug, 2, after);
      expect(beyond.post.comments.edges).toEqual([]);
      expect(beyond.post.comments.pageInfo).toEqual({ hasNextPage: false, endCursor: null });

      // Replies, one at a time.
      const repliesQuery = `query($slug: String!, $after: String) { post(slug: $slug) {
        comments(first: 1) { edges { node { id
          replies(first: 1, after: $after) {
            totalCount pageInfo { hasNextPage endCursor }
            edges { node { id authorName depth parent { id } } }
          } } } } } }`;
      type RepliesResult = {
        post: {
          comments: {
            edges: {
              node: {
                id: string;
                replies: {
                  totalCount: number;
                  pageInfo: { hasNextPage: boolean; endCursor: string | null };
                  edges: {
                    node: { id: string; authorName: string; depth: number; parent: { id: string } };
                  }[];
                };
              };
            }[];
          };
        };
      };
      type RepliesNode = RepliesResult['post']['comments']['edges'][number]['node'];
      const replyNames: string[] = [];
      const replyPages: boolean[] = [];
      let replyAfter: string | null = null;
      for (let page = 0; page < 3; page++) {
        const res: GraphQLResponse<RepliesResult> = await env.server.gql<RepliesResult>(
          repliesQuery,
          {
            slug: post.slug,
            after: replyAfter,
          },
        );
        expect(res.errors).toBeUndefined();
        const node: RepliesNode = res.data!.post.comments.edges[0]!.node;
        expect(node.id).toBe(String(parent.id));
        expect(node.replies.totalCount).toBe(3);
        expect(node.replies.edges).toHaveLength(1);
        const reply = node.replies.edges[0]!.node;
        expect(reply.depth).toBe(1);
        expect(reply.parent).toEqual({ id: String(parent.id) });
        replyNames.push(reply.authorName);
        replyPages.push(node.replies.pageInfo.hasNextPage);
        replyAfter = node.replies.pageInfo.endCursor;
      }
      expect(replyNames).toEqual(repliesByTime.map((r) => r.authorName));
      expect(replyNames).toEqual(['reply-31', 'reply-32', 'reply-33']);
      expect(replyPages).toEqual([true, true, false]);
    });

    it('orders comments with the same createdAt by id', async () => {
      const post = await addPost({ slug: 'comment-same-time' });
      const same = new Date(Date.UTC(2022, 0, 1));
      const rows: CommentRow[] = [];
      for (let i = 0; i < 3; i++) {
        rows.push(await addComment({ postId: post.id, authorName: `same-${i}`, createdAt: same }));
      }
      const first = await thread(post.slug, 2);
      const second = await thread(post.slug, 2, first.post.comments.pageInfo.endCursor);
      expect(
        [...first.post.comments.edges, ...second.post.comments.edges].map((e) => e.node.id),
      ).toEqual(rows.map((r) => String(r.id)));
      expect(second.post.comments.pageInfo.hasNextPage).toBe(false);
    });

    it('refuses a malformed cursor and an out-of-range page size on comments', async () => {
      const bad = await env.server.gql(
        `query($s: String!) { post(slug: $s) { comments(after: "nope") { totalCount } } }`,
        { s: SEED_SLUG },
      );
      expect(bad.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/Invalid cursor/),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      const big = await env.server.gql(
        `query($s: String!) { post(slug: $s) { comments(first: -1) { totalCount } } }`,
        { s: SEED_SLUG },
      );
      expect(big.errors?.[0]?.message).toMatch(/"first" must be between 0 and 100/);
    });
  });

  describe('concurrent submissions', () => {
    // All 40 come from 127.0.0.1 at once; the flood rule would keep one (it is off for the suite).
    it('stores every one of 40 simultaneous submissions, each in its own transaction', async () => {
      const before = await env.server.repo<CommentRow>('Comment').count();
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          env.server.gql<{ submitComment: { status: string; errors: unknown[] } }>(
            `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status errors { code } } }`,
            {
              input: {
                postId: '1',
                authorName: `Crowd ${i}`,
                // Every other one is the seed commenter, whose comments are approved at once.
                authorEmail: i % 2 ? `crowd${i}@example.net` : 'sam.hughes@example.org',
                content: `Comment number ${i}`,
              },
            },
          ),
        ),
      );
      for (const res of results) expect(res.errors).toBeUndefined();
      expect(results.map((r) => r.data!.submitComment.status).sort()).toEqual([
        ...Array<string>(20).fill('APPROVED'),
        ...Array<string>(20).fill('PENDING'),
      ]);
      expect(await env.server.repo<CommentRow>('Comment').count()).toBe(before + 40);
    });
  });
});
