import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { receivingLinkbacks, sendPingback, sourcePage } from '../support/linkbacks.js';
import {
  COMMENT_ADDED,
  LINKBACK_ADDED,
  QUEUE_CHANGED,
  liveClient,
  record,
  subscriptions,
  type LiveClient,
} from '../support/live.js';
import { databaseKinds } from '../support/server.js';

const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { comment { id } status errors { code } } }`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateComments(ids: $ids, status: $status) {
  comments { id status } errors { code } } }`;
const MODERATE_LINKBACKS = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateLinkbacks(ids: $ids, status: $status) {
  linkbacks { id status } errors { code } } }`;

interface LiveComment {
  id: string;
  authorName: string;
  content: string;
  parent: { id: string } | null;
}
interface QueueChange {
  kind: string;
  id: string;
  postId: string;
  status: string;
  previousStatus: string | null;
}

describe.each(databaseKinds())('live subscriptions on %s', (kind) => {
  const env = receivingLinkbacks(kind);
  let editor: SignedIn;
  let emails = 0;
  const clients: LiveClient[] = [];
  const feed = () => env.server.app.services.liveFeed;

  beforeAll(async () => {
    editor = await signedInUser(env.server, 'live-editor@example.org', 'EDITOR');
    // Many comments from 127.0.0.1: keep the flood rule out of the way.
    await setDiscussionSettings(env.server.db, { minSecondsBetweenComments: 0 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await subscriptions(feed(), 0);
  });

  const open = (authorization?: string) => {
    const live = liveClient(env.server.url, authorization);
    clients.push(live);
    return live;
  };

  /** A new commenter's comment: held (PENDING), since their email has no approved comment. */
  async function held(postId: number, content: string, parentId?: string): Promise<string> {
    const res = await env.server.gql<{
      submitComment: { comment: { id: string } | null; status: string };
    }>(SUBMIT, {
      input: {
        postId: String(postId),
        parentId,
        authorName: 'Live Reader',
        authorEmail: `live-${++emails}@example.net`,
        content,
      },
    });
    expect(res.data?.submitComment.status, res.raw).toBe('PENDING');
    return res.data!.submitComment.comment!.id;
  }

  const moderate = async (ids: string[], status: string, token = editor.token) => {
    const res = await env.server.gqlAs<{ moderateComments: { errors: unknown[] } }>(
      token,
      MODERATE,
      { ids, status },
    );
    expect(res.data?.moderateComments.errors, res.raw).toEqual([]);
  };

  it("tells a reader of the approved comments of the post they follow: not another post's, never a pending one", async () => {
    const { post } = await env.newPost();
    const { post: other } = await env.newPost();
    const live = open();
    const heard = record<LiveComment>(live, COMMENT_ADDED, { postId: String(post.id) });
    await subscriptions(feed(), 1);

    const pending = await held(post.id, 'Still waiting for a moderator.');
    const elsewhere = await held(other.id, 'On the other post.');
    await moderate([elsewhere], 'APPROVED');
    const approved = await held(post.id, 'Worth showing at once.');
    await moderate([approved], 'APPROVED');

    const [first] = await heard.count(1);
    // The other post's approval came first: had it leaked, it would be item one.
    expect(first).toEqual({
      id: approved,
      authorName: 'Live Reader',
      authorUrl: null,
      content: '<p>Worth showing at once.</p>',
      depth: 0,
      createdAt: expect.any(String),
      parent: null,
    });
    // A reply, approved: heard with its parent, as the thread shows it.
    const reply = await held(post.id, 'A reply.', approved);
    await moderate([reply], 'APPROVED');
    const items = await heard.count(2);
    expect(items.map((c) => [c.id, c.parent?.id ?? null])).toEqual([
      [approved, null],
      [reply, approved],
    ]);
    expect(items.map((c) => c.id)).not.toContain(pending);
    expect(JSON.stringify(items)).not.toContain('example.net');
  });

  it("has no field for an email: the live Comment is the reader's Comment type", async () => {
    const { post } = await env.newPost();
    const heard = record(
      open(),
      `subscription($p: ID!) { commentAdded(postId: $p) { id authorEmail } }`,
      {
        p: String(post.id),
      },
    );
    const [error] = await heard.failed();
    expect(error).toMatchObject({
      message: expect.stringContaining('Cannot query field "authorEmail" on type "Comment"'),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('tells of a linkback once it is approved, not when it arrives held', async () => {
    const { post, url } = await env.newPost();
    const heard = record<{ id: string; kind: string; sourceUrl: string; title: string }>(
      open(),
      LINKBACK_ADDED,
      { postId: String(post.id) },
    );
    await subscriptions(feed(), 1);
    const source = env.servePage(sourcePage({ title: 'A live linking post', targets: [url] }));
    expect(await sendPingback(env.server, source, url)).toMatchObject({ ok: true });
    const [row] = await env.server
      .repo<{ id: number; postId: number; status: string }>('Linkback')
      .findBy({ postId: post.id });
    expect(row!.status).toBe('PENDING');
    const res = await env.server.gqlAs(editor.token, MODERATE_LINKBACKS, {
      ids: [String(row!.id)],
      status: 'APPROVED',
    });
    expect(res.errors, res.raw).toBeUndefined();
    expect(await heard.count(1)).toEqual([
      { id: String(row!.id), kind: 'PINGBACK', sourceUrl: source, title: 'A live linking post' },
    ]);
  });

  it('tells a moderator of a new held comment and of its approval', async () => {
    const { post } = await env.newPost();
    const heard = record<QueueChange>(open(`Bearer ${editor.token}`), QUEUE_CHANGED);
    await subscriptions(feed(), 1);
    const id = await held(post.id, 'For the moderator.');
    expect(await heard.count(1)).toEqual([
      { kind: 'COMMENT', id, postId: String(post.id), status: 'PENDING', previousStatus: null },
    ]);
    await moderate([id], 'APPROVED');
    expect((await heard.count(2))[1]).toEqual({
      kind: 'COMMENT',
      id,
      postId: String(post.id),
      status: 'APPROVED',
      previousStatus: 'PENDING',
    });
  });

  it('refuses the moderation queue to an anonymous client, and closes on a bad token (4401)', async () => {
    const heard = record(open(), QUEUE_CHANGED);
    expect(await heard.failed()).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
    expect(feed().subscriptionCount).toBe(0);

    const bad = open('Bearer not-a-token');
    record(bad, QUEUE_CHANGED);
    const closed = await bad.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/token/i);
  });

  it("tells an AUTHOR only of their own posts' queue", async () => {
    const author = await signedInUser(env.server, 'live-author@example.org', 'AUTHOR');
    const own = await insertPost(env.server.db, { slug: 'live-own', authorId: author.authorId });
    const { post: theirs } = await env.newPost();
    const heard = record<QueueChange>(open(`Bearer ${author.token}`), QUEUE_CHANGED);
    await subscriptions(feed(), 1);
    await held(theirs.id, 'On a post by someone else.');
    const mine = await held(own.id, "On the author's own post.");
    const [change] = await heard.count(1);
    expect(change).toMatchObject({ id: mine, postId: String(own.id), status: 'PENDING' });
    // And their moderation of it, but nothing of the other post since.
    await moderate([mine], 'SPAM', author.token);
    expect((await heard.count(2)).map((c) => c.id)).toEqual([mine, mine]);
  });

  it('answers a bad postId with a clear error and keeps the connection', async () => {
    const live = open();
    const notAnId = record(live, COMMENT_ADDED, { postId: 'abc' });
    expect(await notAnId.failed()).toEqual([
      expect.objectContaining({
        message: 'postId must be the id of a published post.',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    const missing = record(live, LINKBACK_ADDED, { postId: '987654' });
    expect((await missing.failed())[0]?.extensions?.code).toBe('NOT_FOUND');
    const draft = await insertPost(env.server.db, { slug: 'live-draft', status: 'DRAFT' });
    const hidden = record(live, COMMENT_ADDED, { postId: String(draft.id) });
    expect((await hidden.failed())[0]?.extensions?.code).toBe('NOT_FOUND');

    // The same connection still serves.
    const { post } = await env.newPost();
    const heard = record<LiveComment>(live, COMMENT_ADDED, { postId: String(post.id) });
    await subscriptions(feed(), 1);
    const id = await held(post.id, 'Still connected.');
    await moderate([id], 'APPROVED');
    expect((await heard.count(1))[0]?.id).toBe(id);
    expect(live.closedWith()).toBeNull();
  });

  it('serves only subscriptions over WebSocket, and no subscription over HTTP', async () => {
    const query = record(open(), '{ site { title } }');
    expect((await query.failed())[0]).toMatchObject({
      message: expect.stringContaining('Only subscriptions'),
      extensions: { code: 'BAD_REQUEST' },
    });
    const res = await env.server.gql(COMMENT_ADDED, { postId: '1' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toContain('served over WebSocket');
  });
});
