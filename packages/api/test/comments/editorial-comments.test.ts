import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import type { CommentRow, CommentStatus } from '../../src/modules/comments/entities.js';
import { createServices } from '../../src/services.js';
import { signedInUser, type SignedIn, type UserError } from '../support/editorial.js';
import { insertComment, insertPost } from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const SEED_EMAIL = 'sam.hughes@example.org';

interface EditorComment {
  id: string;
  status: CommentStatus;
  authorName: string;
  authorEmail: string | null;
  ip: string | null;
  content: string;
  byPostAuthor: boolean;
  post: { id: string; slug: string };
}

const FIELDS = 'id status authorName authorEmail ip content byPostAuthor post { id slug }';
const QUEUE = `query($status: CommentStatus, $postId: ID, $search: String, $first: Int, $after: String) {
  comments(status: $status, postId: $postId, search: $search, first: $first, after: $after) {
    totalCount edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor }
  }
  commentCounts(postId: $postId, search: $search) { pending approved spam trash }
}`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateComments(ids: $ids, status: $status) { comments { id status } errors { field code message } }
}`;
const THREAD = `query($slug: String!) { post(slug: $slug) { commentCount comments(first: 100) {
  edges { node { id authorName byPostAuthor replies { edges { node { id content byPostAuthor } } } } } } } }`;

interface Queue {
  comments: {
    totalCount: number;
    edges: { node: EditorComment }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  commentCounts: Record<'pending' | 'approved' | 'spam' | 'trash', number>;
}

describe.each(databaseKinds())('editorial API: comment moderation on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;
  let owner: SignedIn; // AUTHOR who owns the seed post
  let other: SignedIn; // AUTHOR with a post of their own
  let otherPostId: number;

  beforeAll(async () => {
    server = await startServer(kind);
    editor = await signedInUser(server, 'editor@example.com', 'EDITOR');
    owner = await signedInUser(server, 'victoria@example.org', 'AUTHOR', 'Victoria B.');
    other = await signedInUser(server, 'other@example.com', 'AUTHOR', 'Otto Other');
    otherPostId = (await insertPost(server.db, { slug: 'others-post', authorId: other.authorId }))
      .id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const queue = async (token: string, variables: Record<string, unknown> = {}) =>
    server.gqlAs<Queue>(token, QUEUE, variables);
  const thread = async () =>
    (
      await server.gql<{
        post: {
          commentCount: number;
          comments: {
            edges: {
              node: {
                id: string;
                byPostAuthor: boolean;
                replies: {
                  edges: { node: { id: string; content: string; byPostAuthor: boolean } }[];
                };
              };
            }[];
          };
        };
      }>(THREAD, { slug: SEED_SLUG })
    ).data!.post;
  const pending = (postId: number, name: string, email = 'pending@example.net') =>
    insertComment(server.db, {
      postId,
      createdAt: new Date(),
      status: 'PENDING',
      authorName: name,
      authorEmail: email,
      contentText: `text by ${name}`,
      contentHtml: `<p>text by ${name}</p>`,
      ip: '203.0.113.9',
    });
  const statusOf = async (id: number) =>
    (await server.repo<CommentRow>('Comment').findOneByOrFail({ id })).status;

  it('shows editors the queue with private details; anonymous readers never see an email', async () => {
    const res = await queue(editor.token, { search: 'SAM.hughes' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.comments.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ authorEmail: SEED_EMAIL, status: 'APPROVED', byPostAuthor: false }),
    ]);
    expect(res.data!.commentCounts).toEqual({ pending: 0, approved: 1, spam: 0, trash: 0 });

    const anonymous = await server.gql(QUEUE, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.raw).not.toContain(SEED_EMAIL);
    const publicThread = await server.gql(THREAD, { slug: SEED_SLUG });
    expect(publicThread.raw).not.toContain(SEED_EMAIL);
    expect(publicThread.raw).not.toContain('sam.hughes');
  });

  it('guards each private field with comment:readPrivate on the post (FORBIDDEN, or UNAUTHENTICATED)', async () => {
    // Every way to an EditorComment already needs comment:moderate on its post, which
    // today's roles and scopes grant together with comment:readPrivate; the field
    // check stands on its own should they ever differ.
    const services = createServices({ db: server.db, config: server.config });
    const seedPost = (await services.posts.findAnyById(1))!;
    const author = (id: number) => ({
      userId: id,
      email: 'x@example.com',
      displayName: 'X',
      role: 'AUTHOR' as const,
      authorId: id,
      credential: { kind: 'session' as const, sessionId: 0 },
    });
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'ok';
      } catch (error) {
        return (error as GraphQLError).extensions.code;
      }
    };
    const read = (viewer: Parameters<typeof services.commentModeration.readPrivate>[0]) =>
      code(() => services.commentModeration.readPrivate(viewer, seedPost, SEED_EMAIL));
    expect(read(null)).toBe('UNAUTHENTICATED');
    expect(read(author(other.authorId))).toBe('FORBIDDEN');
    expect(read(author(seedPost.authorId))).toBe('ok');
  });

  it('moves comments in and out of the public thread in bulk, all or nothing', async () => {
    const a = await pending(1, 'Alice Pending');
    const b = await pending(1, 'Bob Pending');
    const before = await thread();
    const counts = (await queue(editor.token, { postId: '1' })).data!.commentCounts;
    expect(counts.pending).toBe(2);

    // An unknown id: nothing changes.
    const unknown = await server.gqlAs<{
      moderateComments: { comments: unknown[]; errors: UserError[] };
    }>(editor.token, MODERATE, { ids: [String(a.id), '999999'], status: 'APPROVED' });
    expect(unknown.data!.moderateComments).toMatchObject({
      comments: [],
      errors: [{ field: 'ids', code: 'NOT_FOUND' }],
    });
    expect(await statusOf(a.id)).toBe('PENDING');

    const approved = await server.gqlAs<{
      moderateComments: { comments: { id: string; status: string }[]; errors: UserError[] };
    }>(editor.token, MODERATE, { ids: [String(a.id), String(b.id)], status: 'APPROVED' });
    expect(approved.data!.moderateComments).toEqual({
      comments: [
        { id: String(a.id), status: 'APPROVED' },
        { id: String(b.id), status: 'APPROVED' },
      ],
      errors: [],
    });
    const during = await thread();
    expect(during.commentCount).toBe(before.commentCount + 2);
    expect(during.comments.edges.map((e) => e.node.id)).toEqual(
      expect.arrayContaining([String(a.id), String(b.id)]),
    );

    await server.gqlAs(editor.token, MODERATE, { ids: [String(a.id)], status: 'SPAM' });
    await server.gqlAs(editor.token, MODERATE, { ids: [String(b.id)], status: 'TRASH' });
    const after = await thread();
    expect(after.commentCount).toBe(before.commentCount);
    expect(after.comments.edges.map((e) => e.node.id)).not.toContain(String(a.id));
    const spam = await queue(editor.token, { status: 'SPAM', postId: '1' });
    expect(spam.data!.comments.edges.map((e) => e.node.id)).toEqual([String(a.id)]);
    expect(spam.data!.commentCounts).toMatchObject({ spam: 1, trash: 1, pending: 0 });
  });

  it('limits an AUTHOR to the comments on their own posts', async () => {
    const mine = await pending(1, 'On the seed post');
    const theirs = await pending(otherPostId, 'On the other post', 'theirs@example.net');

    const own = await queue(owner.token, { status: 'PENDING' });
    const ids = own.data!.comments.edges.map((e) => e.node.id);
    expect(ids).toContain(String(mine.id));
    expect(ids).not.toContain(String(theirs.id));
    expect(own.data!.comments.edges.every((e) => e.node.post.id === '1')).toBe(true);

    const forbiddenQueue = await queue(owner.token, { postId: String(otherPostId) });
    expect(forbiddenQueue.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbiddenQueue.raw).not.toContain('theirs@example.net');

    // One comment that is not theirs makes the whole bulk request FORBIDDEN: nothing changes.
    const mixed = await server.gqlAs(owner.token, MODERATE, {
      ids: [String(mine.id), String(theirs.id)],
      status: 'APPROVED',
    });
    expect(mixed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await statusOf(mine.id)).toBe('PENDING');
    expect(await statusOf(theirs.id)).toBe('PENDING');

    const ok = await server.gqlAs<{ moderateComments: { errors: UserError[] } }>(
      owner.token,
      MODERATE,
      {
        ids: [String(mine.id)],
        status: 'SPAM',
      },
    );
    expect(ok.data!.moderateComments.errors).toEqual([]);
    expect(await statusOf(mine.id)).toBe('SPAM');
  });

  it('searches and pages the queue', async () => {
    for (let i = 0; i < 3; i++) await pending(otherPostId, `Pager ${i}`, `pager${i}@example.net`);
    const first = await queue(editor.token, { search: 'pager', first: 2 });
    expect(first.data!.comments.totalCount).toBe(3);
    expect(first.data!.comments.edges.map((e) => e.node.authorName)).toEqual([
      'Pager 2',
      'Pager 1',
    ]);
    const next = await queue(editor.token, {
      search: 'pager',
      first: 2,
      after: first.data!.comments.pageInfo.endCursor,
    });
    expect(next.data!.comments.edges.map((e) => e.node.authorName)).toEqual(['Pager 0']);
    expect(next.data!.comments.pageInfo.hasNextPage).toBe(false);
    const byEmail = await queue(editor.token, { search: 'PAGER1@' });
    expect(byEmail.data!.comments.edges.map((e) => e.node.authorName)).toEqual(['Pager 1']);
    expect((await queue(editor.token, { search: '_' })).data!.comments.totalCount).toBe(0);
  });

  it('edits a comment with the submission checks, and deletes it for good only from the trash', async () => {
    const c = await pending(1, 'To Edit');
    const EDIT = `mutation($input: EditCommentInput!) { editComment(input: $input) {
      comment { id authorName authorUrl content contentText } errors { field code } } }`;
    const bad = await server.gqlAs<{ editComment: { comment: null; errors: UserError[] } }>(
      editor.token,
      EDIT,
      {
        input: {
          id: String(c.id),
          content: '  ',
          authorName: '',
          authorUrl: 'javascript:alert(1)',
        },
      },
    );
    expect(bad.data!.editComment.errors).toEqual([
      { field: 'authorName', code: 'REQUIRED' },
      { field: 'authorUrl', code: 'INVALID_URL' },
      { field: 'content', code: 'REQUIRED' },
    ]);
    expect(
      (await server.repo<CommentRow>('Comment').findOneByOrFail({ id: c.id })).authorName,
    ).toBe('To Edit');

    const good = await server.gqlAs<{
      editComment: { comment: Record<string, string>; errors: UserError[] };
    }>(editor.token, EDIT, {
      input: {
        id: String(c.id),
        content: 'Fixed <b>text</b>',
        authorName: ' Edited ',
        authorUrl: 'https://example.net',
      },
    });
    expect(good.data!.editComment).toEqual({
      comment: {
        id: String(c.id),
        authorName: 'Edited',
        authorUrl: 'https://example.net/',
        content: '<p>Fixed &lt;b&gt;text&lt;/b&gt;</p>',
        contentText: 'Fixed <b>text</b>',
      },
      errors: [],
    });

    const reply = await insertComment(server.db, {
      postId: 1,
      parentId: c.id,
      depth: 1,
      createdAt: new Date(),
    });
    const DELETE = `mutation($id: ID!) { deleteComment(id: $id) { deletedIds errors { field code } } }`;
    const notTrash = await server.gqlAs<{
      deleteComment: { deletedIds: string[]; errors: UserError[] };
    }>(editor.token, DELETE, { id: String(c.id) });
    expect(notTrash.data!.deleteComment).toEqual({
      deletedIds: [],
      errors: [{ field: 'id', code: 'NOT_IN_TRASH' }],
    });
    await server.gqlAs(editor.token, MODERATE, { ids: [String(c.id)], status: 'TRASH' });
    const deleted = await server.gqlAs<{
      deleteComment: { deletedIds: string[]; errors: UserError[] };
    }>(editor.token, DELETE, { id: String(c.id) });
    expect(deleted.data!.deleteComment).toEqual({
      deletedIds: [String(c.id), String(reply.id)],
      errors: [],
    });
    expect(await server.repo<CommentRow>('Comment').countBy({ id: c.id })).toBe(0);
    expect(await server.repo<CommentRow>('Comment').countBy({ id: reply.id })).toBe(0);
  });

  it("replies as the post's author: approved at once, marked byPostAuthor in the public thread", async () => {
    const REPLY = `mutation($p: ID!, $c: String!) { replyAsAuthor(parentId: $p, content: $c) {
      comment { ${FIELDS} } errors { field code } } }`;
    const seedComment = (await thread()).comments.edges[0]!.node;
    const res = await server.gqlAs<{
      replyAsAuthor: { comment: EditorComment; errors: UserError[] };
    }>(owner.token, REPLY, { p: seedComment.id, c: 'Thanks, Sam!' });
    expect(res.data!.replyAsAuthor.errors).toEqual([]);
    expect(res.data!.replyAsAuthor.comment).toMatchObject({
      status: 'APPROVED',
      authorName: 'Victoria Betton',
      authorEmail: 'victoria@example.org',
      byPostAuthor: true,
      content: '<p>Thanks, Sam!</p>',
    });
    const replies = (await thread()).comments.edges[0]!.node.replies.edges.map((e) => e.node);
    expect(replies).toContainEqual({
      id: res.data!.replyAsAuthor.comment.id,
      content: '<p>Thanks, Sam!</p>',
      byPostAuthor: true,
    });

    // An editor replying on someone else's post is approved, but not the post's author.
    const byEditor = await server.gqlAs<{ replyAsAuthor: { comment: EditorComment } }>(
      editor.token,
      REPLY,
      {
        p: seedComment.id,
        c: 'Editor here.',
      },
    );
    expect(byEditor.data!.replyAsAuthor.comment).toMatchObject({
      status: 'APPROVED',
      byPostAuthor: false,
    });

    const held = await pending(1, 'Not yet approved');
    const toPending = await server.gqlAs<{ replyAsAuthor: { comment: null; errors: UserError[] } }>(
      owner.token,
      REPLY,
      {
        p: String(held.id),
        c: 'Hello',
      },
    );
    expect(toPending.data!.replyAsAuthor.errors).toEqual([
      { field: 'parentId', code: 'PARENT_NOT_APPROVED' },
    ]);
    const empty = await server.gqlAs<{ replyAsAuthor: { errors: UserError[] } }>(
      owner.token,
      REPLY,
      {
        p: seedComment.id,
        c: ' ',
      },
    );
    expect(empty.data!.replyAsAuthor.errors).toEqual([{ field: 'content', code: 'REQUIRED' }]);

    const theirs = await insertComment(server.db, {
      postId: otherPostId,
      createdAt: new Date(),
    });
    const forbidden = await server.gqlAs(owner.token, REPLY, { p: String(theirs.id), c: 'Hi' });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
