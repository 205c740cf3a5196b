import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkbackRow } from '../../src/modules/linkbacks/entities.js';
import { signedInUser, type SignedIn, type UserError } from '../support/editorial.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const QUEUE = `query($status: CommentStatus, $postId: ID) {
  linkbacks(status: $status, postId: $postId) { totalCount edges { node { id status kind sourceUrl post { id } } } }
  linkbackCounts(postId: $postId) { pending approved spam trash }
}`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateLinkbacks(ids: $ids, status: $status) { linkbacks { id status } errors { field code } }
}`;
const PUBLIC = `query($slug: String!) { post(slug: $slug) { linkbackCount linkbacks { edges { node { id } } } } }`;

interface Queue {
  linkbacks: { totalCount: number; edges: { node: { id: string; status: string } }[] };
  linkbackCounts: Record<string, number>;
}

describe.each(databaseKinds())('editorial API: linkback moderation on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;
  let stranger: SignedIn;
  let pending: LinkbackRow;

  beforeAll(async () => {
    server = await startServer(kind);
    editor = await signedInUser(server, 'editor@example.com', 'EDITOR');
    stranger = await signedInUser(server, 'author@example.com', 'AUTHOR');
    pending = await server.repo<LinkbackRow>('Linkback').save({
      postId: 1,
      kind: 'WEBMENTION',
      sourceUrl: 'https://elsewhere.example.net/a-post',
      title: 'A post elsewhere',
      excerpt: null,
      blogName: null,
      status: 'PENDING',
      createdAt: new Date(),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const publicCount = async () =>
    (await server.gql<{ post: { linkbackCount: number } }>(PUBLIC, { slug: SEED_SLUG })).data!.post
      .linkbackCount;

  it('lists the queue with counts and moves linkbacks in and out of the post page in bulk', async () => {
    const queue = await server.gqlAs<Queue>(editor.token, QUEUE, { postId: '1' });
    expect(queue.data!.linkbackCounts).toEqual({ pending: 1, approved: 3, spam: 0, trash: 0 });
    expect(queue.data!.linkbacks.edges[0]!.node).toMatchObject({
      id: String(pending.id),
      status: 'PENDING',
      kind: 'WEBMENTION',
    });
    const onlyPending = await server.gqlAs<Queue>(editor.token, QUEUE, { status: 'PENDING' });
    expect(onlyPending.data!.linkbacks.totalCount).toBe(1);

    expect(await publicCount()).toBe(3);
    const approve = await server.gqlAs<{
      moderateLinkbacks: { linkbacks: unknown[]; errors: UserError[] };
    }>(editor.token, MODERATE, { ids: [String(pending.id)], status: 'APPROVED' });
    expect(approve.data!.moderateLinkbacks).toEqual({
      linkbacks: [{ id: String(pending.id), status: 'APPROVED' }],
      errors: [],
    });
    expect(await publicCount()).toBe(4);

    const unknown = await server.gqlAs<{ moderateLinkbacks: { errors: UserError[] } }>(
      editor.token,
      MODERATE,
      {
        ids: [String(pending.id), '424242'],
        status: 'SPAM',
      },
    );
    expect(unknown.data!.moderateLinkbacks.errors).toEqual([{ field: 'ids', code: 'NOT_FOUND' }]);
    expect(await publicCount()).toBe(4);

    await server.gqlAs(editor.token, MODERATE, { ids: [String(pending.id)], status: 'SPAM' });
    expect(await publicCount()).toBe(3);
  });

  it("refuses an AUTHOR the linkbacks on someone else's post and shows them none", async () => {
    const forbidden = await server.gqlAs(stranger.token, MODERATE, {
      ids: [String(pending.id)],
      status: 'APPROVED',
    });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await server.gqlAs<Queue>(stranger.token, QUEUE, {});
    expect(own.data!.linkbacks.totalCount).toBe(0);
    const other = await server.gqlAs(stranger.token, QUEUE, { postId: '1' });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await server.gql(QUEUE, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
