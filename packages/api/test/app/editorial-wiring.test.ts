import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import { LOOPBACK_ENV } from '../support/linkbacks.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

// Where the features built side by side meet: discussion rules set over
// GraphQL, moderation reasons in the editors' queue, new posts following
// commentsOpenByDefault, and a published post's pings readable by its editors.
describe.each(databaseKinds())('editorial wiring on %s', (kind) => {
  let server: TestServer;
  let site: FixtureSite;
  let admin: SignedIn;
  let editor: SignedIn;

  beforeAll(async () => {
    server = await startServer(kind, { env: LOOPBACK_ENV });
    site = await startFixtureSite();
    admin = await signedInUser(server, 'admin@example.com', 'ADMIN');
    editor = await signedInUser(server, 'editor@example.com', 'EDITOR');
  });
  afterAll(async () => {
    await site?.close();
    await server?.close();
  });

  type Rules = { threadDepth: number; maxLinks: number; spamWords: string[] };
  const RULES = `{ discussionRules { threadDepth maxLinks spamWords } }`;
  const UPDATE = `mutation($input: DiscussionSettingsInput!) {
    updateDiscussionSettings(input: $input) { settings { threadDepth maxLinks spamWords } errors { field code } } }`;
  type Update = {
    updateDiscussionSettings: { settings: Rules | null; errors: { field: string; code: string }[] };
  };

  it('lets an admin change the discussion rules over GraphQL, field by field, all or nothing', async () => {
    const before = (await server.gqlAs<{ discussionRules: Rules }>(admin.token, RULES)).data!
      .discussionRules;

    const refused = await server.gqlAs<Update>(admin.token, UPDATE, {
      input: { threadDepth: 0, maxLinks: 5, spamWords: ['casino'] },
    });
    expect(refused.data!.updateDiscussionSettings).toEqual({
      settings: null,
      errors: [{ field: 'threadDepth', code: expect.any(String) }],
    });
    expect(
      (await server.gqlAs<{ discussionRules: Rules }>(admin.token, RULES)).data!.discussionRules,
    ).toEqual(before);

    const saved = await server.gqlAs<Update>(admin.token, UPDATE, {
      input: { threadDepth: 3, maxLinks: 1, spamWords: ['casino'] },
    });
    expect(saved.data!.updateDiscussionSettings).toEqual({
      settings: { threadDepth: 3, maxLinks: 1, spamWords: ['casino'] },
      errors: [],
    });
    // Readers' forms follow at once; the word lists stay private.
    const pub = await server.gql<{ discussionSettings: { threadDepth: number } }>(
      `{ discussionSettings { threadDepth } }`,
    );
    expect(pub.data!.discussionSettings.threadDepth).toBe(3);
    expect(pub.raw).not.toContain('casino');

    const byEditor = await server.gqlAs(editor.token, UPDATE, { input: { maxLinks: 9 } });
    expect(byEditor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('shows moderators why the pipeline held a comment', async () => {
    // maxLinks is 1 after the previous test.
    const res = await server.gql<{ submitComment: { status: string; comment: { id: string } } }>(
      `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status comment { id } } }`,
      {
        input: {
          postId: '1',
          // The seed commenter has an approved comment, so the moderation mode lets them through.
          authorName: 'Sam Hughes',
          authorEmail: 'sam.hughes@example.org',
          content: 'See https://a.example/ and https://b.example/',
        },
      },
    );
    expect(res.data!.submitComment.status).toBe('PENDING');
    const queue = await server.gqlAs<{
      comments: { edges: { node: { id: string; moderationReason: string | null } }[] };
    }>(editor.token, `{ comments(status: PENDING) { edges { node { id moderationReason } } } }`);
    expect(queue.data!.comments.edges.map((e) => e.node)).toContainEqual({
      id: res.data!.submitComment.comment.id,
      moderationReason: 'held: 2 links (limit 1)',
    });
    const anonymous = await server.gql(
      `{ comments(status: PENDING) { edges { node { moderationReason } } } }`,
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('opens comments on new posts as commentsOpenByDefault says', async () => {
    const create = `mutation($t: String!) { createPost(input: { title: $t }) { post { commentsOpen } errors { code } } }`;
    type Created = { createPost: { post: { commentsOpen: boolean } } };
    expect(
      (await server.gqlAs<Created>(editor.token, create, { t: 'Open by default' })).data!.createPost
        .post.commentsOpen,
    ).toBe(true);
    await server.gqlAs(admin.token, UPDATE, { input: { commentsOpenByDefault: false } });
    expect(
      (await server.gqlAs<Created>(editor.token, create, { t: 'Closed by default' })).data!
        .createPost.post.commentsOpen,
    ).toBe(false);
  });

  it('pings the pages a published post links to, and shows editors how each ping went', async () => {
    site.route('/no-endpoint', html('<p>A page that takes no pings.</p>'));
    const target = `${site.origin}/no-endpoint`;
    const created = await server.gqlAs<{ createPost: { post: { id: string; slug: string } } }>(
      editor.token,
      `mutation($c: String!) { createPost(input: { title: "Pinging", content: $c, contentFormat: MARKDOWN }) { post { id slug } } }`,
      { c: `I read [this page](${target}).` },
    );
    const { id, slug } = created.data!.createPost.post;
    await server.gqlAs(
      editor.token,
      `mutation($id: ID!) { publishPost(id: $id) { post { id } } }`,
      { id },
    );

    type Pings = { post: { outgoingPings: { targetUrl: string; status: string }[] } };
    const query = `query($s: String!) { post(slug: $s) { outgoingPings { targetUrl status } } }`;
    let pings: Pings['post']['outgoingPings'] = [];
    // The job worker sends in the background: poll, bounded.
    for (let i = 0; i < 100; i++) {
      pings = (await server.gqlAs<Pings>(editor.token, query, { s: slug })).data!.post
        .outgoingPings;
      if (pings.length > 0 && pings.every((p) => p.status !== 'QUEUED' && p.status !== 'RETRYING'))
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(pings).toEqual([{ targetUrl: target, status: 'NO_ENDPOINT' }]);
    expect(site.requests.some((r) => r.path === '/no-endpoint')).toBe(true);

    const anonymous = await server.gql(query, { s: slug });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
