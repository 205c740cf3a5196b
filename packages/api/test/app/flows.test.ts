// The product's "done means" flows, end to end: each step goes through a public
// surface (HTTP endpoints, GraphQL with a bearer token, the operator CLI), the
// way another blog, an editor, a reader or an operator would take it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { colloquy } from '../support/cli.js';
import { SUBMIT, type SubmitPayload, type UserError } from '../support/comments.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import {
  LOOPBACK_ENV,
  sendPingback,
  startPingbackReceiver,
  type PingbackReceiver,
  sendTrackback,
  sourcePage,
  webmentionSettled,
} from '../support/linkbacks.js';
import {
  databaseKinds,
  freshDatabase,
  startServer,
  TEST_PUBLIC_URL,
  type TestServer,
} from '../support/server.js';

const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

/** Calls `probe` until it returns a value (not undefined): at most 300 times, 50 ms apart. */
async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>) {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const PUBLIC_POST = `query($slug: String!) {
  post(slug: $slug) {
    id url trackbackUrl linkbackCount
    linkbacks(first: 50) { edges { node { kind sourceUrl title } } }
  }
}`;

interface PublicPost {
  id: string;
  url: string;
  trackbackUrl: string;
  linkbackCount: number;
  linkbacks: { edges: { node: { kind: string; sourceUrl: string; title: string | null } }[] };
}

const LINKBACK_QUEUE = `query($postId: ID) {
  linkbacks(status: PENDING, postId: $postId, first: 50) {
    edges { node { id kind status sourceUrl title post { slug } } }
  }
}`;

interface QueuedLinkback {
  id: string;
  kind: string;
  status: string;
  sourceUrl: string;
  title: string | null;
  post: { slug: string };
}

const MODERATE_LINKBACKS = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateLinkbacks(ids: $ids, status: $status) { linkbacks { id status } errors { field code message } }
}`;

const POST_FIELDS = 'id slug url status publishedAt content contentSource contentFormat';

const CREATE_POST = `mutation($input: CreatePostInput!) {
  createPost(input: $input) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const UPDATE_POST = `mutation($input: UpdatePostInput!) {
  updatePost(input: $input) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const PUBLISH_POST = `mutation($id: ID!, $at: DateTime) {
  publishPost(id: $id, publishAt: $at) { post { ${POST_FIELDS} } errors { field code message } }
}`;

interface EditorPost {
  id: string;
  slug: string;
  url: string;
  status: string;
  publishedAt: string | null;
  content: string;
  contentSource: string | null;
  contentFormat: string | null;
}

interface PostPayload {
  post: EditorPost | null;
  errors: UserError[];
}

describe.each(databaseKinds())('cross-feature flows on %s', (kind) => {
  let server: TestServer;
  let site: FixtureSite;
  let editor: SignedIn;

  beforeAll(async () => {
    server = await startServer(kind, {
      // The other blogs in these flows are fixture servers on 127.0.0.1.
      env: LOOPBACK_ENV,
    });
    site = await startFixtureSite();
    editor = await signedInUser(server, 'editor@example.com', 'EDITOR', 'Eddie Editor');
  });
  afterAll(async () => {
    await site?.close();
    await server?.close();
  });

  const publicPost = async (slug: string): Promise<PublicPost | null> => {
    const res = await server.gql<{ post: PublicPost | null }>(PUBLIC_POST, { slug });
    expect(res.errors, res.raw).toBeUndefined();
    return res.data!.post;
  };

  describe('another blog pings a Colloquy post and sees its mention appear after approval', () => {
    /** Sends one ping of `protocol` from `source` to the seed post, through the public endpoint. */
    const senders: Record<string, (source: string, post: PublicPost) => Promise<void>> = {
      WEBMENTION: async (source, post) => {
        const settled = await webmentionSettled(server, source, post.url);
        expect(settled).toMatchObject({ status: 'accepted', result: 'created', target: post.url });
      },
      PINGBACK: async (source, post) => {
        expect(await sendPingback(server, source, post.url)).toEqual({
          ok: true,
          value: `Pingback from ${source} to ${post.url} registered.`,
        });
      },
      TRACKBACK: async (source, post) => {
        // trackbackUrl is under PUBLIC_URL; the test server listens elsewhere, at the same path.
        const answer = await sendTrackback(server, new URL(post.trackbackUrl).pathname, {
          url: source,
          blog_name: 'The Other Blog',
        });
        expect(answer).toMatchObject({ status: 200, error: 0 });
      },
    };

    it.each(Object.keys(senders))('by %s', async (protocol) => {
      const before = (await publicPost(SEED_SLUG))!;
      const title = `Their ${protocol.toLowerCase()} page`;
      const path = `/their-blog/${protocol.toLowerCase()}`;
      site.route(path, html(sourcePage({ title, targets: [before.url] })));
      const source = `${site.origin}${path}`;

      await senders[protocol]!(source, before);

      // Held for moderation: readers do not see it yet.
      const held = (await publicPost(SEED_SLUG))!;
      expect(held.linkbackCount).toBe(before.linkbackCount);
      expect(held.linkbacks.edges.map((e) => e.node.sourceUrl)).not.toContain(source);

      // The editor finds it in the queue.
      const queue = await server.gqlAs<{ linkbacks: { edges: { node: QueuedLinkback }[] } }>(
        editor.token,
        LINKBACK_QUEUE,
        { postId: before.id },
      );
      expect(queue.errors, queue.raw).toBeUndefined();
      const queued = queue.data!.linkbacks.edges.map((e) => e.node);
      expect(queued).toEqual([
        {
          id: expect.any(String) as string,
          kind: protocol,
          status: 'PENDING',
          sourceUrl: source,
          title,
          post: { slug: SEED_SLUG },
        },
      ]);

      const moderated = await server.gqlAs<{
        moderateLinkbacks: { linkbacks: { id: string; status: string }[]; errors: UserError[] };
      }>(editor.token, MODERATE_LINKBACKS, { ids: [queued[0]!.id], status: 'APPROVED' });
      expect(moderated.data?.moderateLinkbacks, moderated.raw).toEqual({
        linkbacks: [{ id: queued[0]!.id, status: 'APPROVED' }],
        errors: [],
      });

      // Anonymous readers now see it on the post.
      const shown = (await publicPost(SEED_SLUG))!;
      expect(shown.linkbackCount).toBe(before.linkbackCount + 1);
      expect(shown.linkbacks.edges.map((e) => e.node)).toContainEqual({
        kind: protocol,
        sourceUrl: source,
        title,
      });
    });
  });

  describe('publishing a Colloquy post that links to other blogs pings them', () => {
    let pingbackBlog: PingbackReceiver;

    beforeAll(async () => {
      pingbackBlog = await startPingbackReceiver();
    });
    afterAll(async () => {
      await pingbackBlog?.close();
    });

    /** The webmentions the webmention blog's endpoint received, as form fields. */
    const webmentionsReceived = () =>
      site.requests
        .filter((r) => r.method === 'POST' && r.path === '/wm-blog/webmention')
        .map((r) => ({
          contentType: r.headers['content-type'],
          ...Object.fromEntries(new URLSearchParams(r.body)),
        }));

    it('sends a webmention and a pingback on publication, and a webmention for a removed link', async () => {
      site.route(
        '/wm-blog/article',
        html('<p>An article on a blog that takes webmentions.</p>', {
          link: `<${site.origin}/wm-blog/webmention>; rel="webmention"`,
        }),
      );
      site.route('/wm-blog/webmention', { status: 202, body: 'Accepted' });
      site.route(
        '/pb-blog/article',
        html('<p>An article on a blog that takes pingbacks only.</p>', {
          'x-pingback': pingbackBlog.url,
        }),
      );
      const wmPage = `${site.origin}/wm-blog/article`;
      const pbPage = `${site.origin}/pb-blog/article`;

      const as = <T>(query: string, variables: Record<string, unknown>) =>
        server.gqlAs<T>(editor.token, query, variables);
      const created = await as<{ createPost: PostPayload }>(CREATE_POST, {
        input: {
          title: 'Reading other blogs',
          contentFormat: 'MARKDOWN',
          content: `I read [one article](${wmPage}) and [another](${pbPage}).`,
        },
      });
      expect(created.data?.createPost.errors, created.raw).toEqual([]);
      const draft = created.data!.createPost.post!;
      expect(draft.status).toBe('DRAFT');
      expect(draft.content).toContain(`href="${wmPage}"`);
      expect(draft.content).toContain(`href="${pbPage}"`);
      expect(draft.url).toBe(`${TEST_PUBLIC_URL}/posts/${draft.slug}`);

      const published = await as<{ publishPost: PostPayload }>(PUBLISH_POST, { id: draft.id });
      expect(published.data?.publishPost.errors, published.raw).toEqual([]);
      expect(published.data!.publishPost.post!.status).toBe('PUBLISHED');

      const mention = { contentType: 'application/x-www-form-urlencoded', source: draft.url };
      await eventually('the webmention', () =>
        webmentionsReceived().length > 0 ? true : undefined,
      );
      expect(webmentionsReceived()).toEqual([{ ...mention, target: wmPage }]);
      await eventually('the pingback', () => (pingbackBlog.calls.length > 0 ? true : undefined));
      expect(pingbackBlog.calls).toEqual([[draft.url, pbPage]]);

      // The editor takes the webmention blog's link out: that blog is told (a pingback cannot say so).
      const updated = await as<{ updatePost: PostPayload }>(UPDATE_POST, {
        input: {
          id: draft.id,
          contentFormat: 'MARKDOWN',
          content: `I read [another article](${pbPage}).`,
        },
      });
      expect(updated.data?.updatePost.errors, updated.raw).toEqual([]);
      expect(updated.data!.updatePost.post!.content).not.toContain(wmPage);

      await eventually('the webmention for the removed link', () =>
        webmentionsReceived().length > 1 ? true : undefined,
      );
      expect(webmentionsReceived()).toEqual([
        { ...mention, target: wmPage },
        { ...mention, target: wmPage },
      ]);
    });
  });
});

describe('from a fresh install on sqlite', () => {
  // Each CLI command starts Node with tsx: about a second apiece.
  const SLOW = 90_000;
  const ADMIN = { email: 'operator@example.org', password: 'an operator passphrase' };
  let db: DatabaseConfig;
  let drop: () => Promise<void>;
  let server: TestServer | undefined;

  beforeAll(async () => {
    ({ db, drop } = await freshDatabase('sqlite'));
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it(
    'an operator creates an admin with the CLI, signs in, schedules a Markdown post and moderates comments in bulk',
    async () => {
      const created = await colloquy(
        db,
        ['user:create', '--email', ADMIN.email, '--name', 'Olive Operator', '--role', 'admin'],
        `${ADMIN.password}\n`,
      );
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain(`created ADMIN ${ADMIN.email}`);

      // The server, on the database the CLI created (migrated and seeded).
      server = await startServer('sqlite', { database: db });
      const s = server;
      const signIn = await s.gql<{
        signIn: { token: string | null; viewer: { role: string } | null; errors: UserError[] };
      }>(
        'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token viewer { role } errors { field code message } } }',
        { e: ADMIN.email, p: ADMIN.password },
      );
      expect(signIn.data?.signIn, signIn.raw).toMatchObject({
        errors: [],
        viewer: { role: 'ADMIN' },
      });
      const token = signIn.data!.signIn.token!;
      const as = <T>(query: string, variables: Record<string, unknown> = {}) =>
        s.gqlAs<T>(token, query, variables);

      // Write in Markdown …
      const markdown = 'Hello **readers**.\n\n- first point\n- second point\n';
      const draft = await as<{ createPost: PostPayload }>(CREATE_POST, {
        input: { title: 'Coming soon', contentFormat: 'MARKDOWN', content: markdown },
      });
      expect(draft.data?.createPost.errors, draft.raw).toEqual([]);
      const post = draft.data!.createPost.post!;
      expect(post).toMatchObject({
        status: 'DRAFT',
        slug: 'coming-soon',
        contentFormat: 'MARKDOWN',
        contentSource: markdown,
      });
      expect(post.content).toContain('<strong>readers</strong>');
      expect(post.content).toMatch(/<li>first point<\/li>\s*<li>second point<\/li>/);

      // … and schedule it a week ahead: readers do not see it yet.
      const publishAt = new Date(Date.now() + 7 * 24 * 3600_000);
      publishAt.setUTCMilliseconds(0);
      const scheduled = await as<{ publishPost: PostPayload }>(PUBLISH_POST, {
        id: post.id,
        at: publishAt.toISOString(),
      });
      expect(scheduled.data?.publishPost.errors, scheduled.raw).toEqual([]);
      const scheduledPost = scheduled.data!.publishPost.post!;
      expect(scheduledPost.status).toBe('SCHEDULED');
      expect(new Date(scheduledPost.publishedAt!).toISOString()).toBe(publishAt.toISOString());
      const anonymous = await s.gql<{ post: unknown }>(
        'query($slug: String!) { post(slug: $slug) { id } }',
        { slug: post.slug },
      );
      expect(anonymous.data).toEqual({ post: null });
      const list = await s.gql<{ posts: { edges: { node: { slug: string } }[] } }>(
        '{ posts(first: 100) { edges { node { slug } } } }',
      );
      expect(list.data!.posts.edges.map((e) => e.node.slug)).toEqual([SEED_SLUG]);

      // Two visitors comment on the seed post from the same address (127.0.0.1): the
      // admin turns the per-address flood interval off first.
      const rules = await as<{
        updateDiscussionSettings: {
          settings: { minSecondsBetweenComments: number };
          errors: UserError[];
        };
      }>(
        'mutation { updateDiscussionSettings(input: { minSecondsBetweenComments: 0 }) { settings { minSecondsBetweenComments } errors { field code message } } }',
      );
      expect(rules.data!.updateDiscussionSettings).toEqual({
        settings: { minSecondsBetweenComments: 0 },
        errors: [],
      });
      const THREAD = `query($slug: String!) { post(slug: $slug) { id commentCount
        comments(first: 100) { edges { node { authorName content } } } } }`;
      interface Thread {
        post: {
          id: string;
          commentCount: number;
          comments: { edges: { node: { authorName: string; content: string } }[] };
        };
      }
      const before = (await s.gql<Thread>(THREAD, { slug: SEED_SLUG })).data!.post;
      const visitors = [
        { authorName: 'Ada Visitor', authorEmail: 'ada@example.net', content: 'Thanks for this.' },
        { authorName: 'Ben Visitor', authorEmail: 'ben@example.net', content: 'Very useful.' },
      ];
      const ids: string[] = [];
      for (const visitor of visitors) {
        const res = await s.gql<{ submitComment: SubmitPayload }>(SUBMIT, {
          input: { postId: before.id, ...visitor },
        });
        expect(res.data?.submitComment, res.raw).toMatchObject({
          errors: [],
          status: 'PENDING',
        });
        ids.push(res.data!.submitComment.comment!.id);
      }
      const held = (await s.gql<Thread>(THREAD, { slug: SEED_SLUG })).data!.post;
      expect(held.commentCount).toBe(before.commentCount);

      // The admin finds both in the queue and approves them in one request.
      const queue = await as<{
        comments: { edges: { node: { id: string; authorEmail: string; status: string } }[] };
      }>(
        `query($postId: ID) { comments(status: PENDING, postId: $postId, first: 100) {
          edges { node { id authorEmail status } } } }`,
        { postId: before.id },
      );
      expect(queue.errors, queue.raw).toBeUndefined();
      expect(
        queue.data!.comments.edges.map((e) => [e.node.id, e.node.authorEmail, e.node.status]),
      ).toEqual([
        [ids[1], 'ben@example.net', 'PENDING'],
        [ids[0], 'ada@example.net', 'PENDING'],
      ]);
      const moderated = await as<{
        moderateComments: { comments: { id: string; status: string }[]; errors: UserError[] };
      }>(
        `mutation($ids: [ID!]!, $status: CommentStatus!) {
          moderateComments(ids: $ids, status: $status) { comments { id status } errors { field code message } } }`,
        { ids, status: 'APPROVED' },
      );
      expect(moderated.data?.moderateComments, moderated.raw).toEqual({
        comments: ids.map((id) => ({ id, status: 'APPROVED' })),
        errors: [],
      });

      // Both are in the public thread now.
      const after = (await s.gql<Thread>(THREAD, { slug: SEED_SLUG })).data!.post;
      expect(after.commentCount).toBe(before.commentCount + 2);
      const shown = after.comments.edges.map((e) => e.node);
      for (const visitor of visitors) {
        expect(shown).toContainEqual({
          authorName: visitor.authorName,
          content: `<p>${visitor.content}</p>`,
        });
      }
    },
    SLOW,
  );
});
