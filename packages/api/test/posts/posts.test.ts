import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPost } from '../support/fixtures.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { seedIfEmpty } from '../../src/seed/seed.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

describe.each(databaseKinds())('posts on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(() => server?.close());

  const addPost = (fields: Partial<PostRow> & { slug: string }) =>
    insertPost(server.db, { publishedAt: new Date(), ...fields });

  it('serves the seed post with every paragraph, the @handles, the tag and the live-blog sentence', async () => {
    const res = await server.gql<{ post: Record<string, unknown> & { content: string } }>(
      `query($slug: String!) { post(slug: $slug) { title slug url excerpt publishedAt commentsOpen pingsOpen
         author { name url } tags { name slug } content } }`,
      { slug: SLUG },
    );
    expect(res.errors).toBeUndefined();
    const post = res.data!.post;
    expect(post).toMatchObject({
      title: 'Social media surgery for mental health #smsmhealth',
      slug: SLUG,
      url: `${TEST_PUBLIC_URL}/posts/${SLUG}`,
      commentsOpen: true,
      pingsOpen: true,
      author: { name: 'Victoria Betton' },
      tags: [{ name: 'smsmhealth', slug: 'smsmhealth' }],
    });
    expect(post.excerpt).toMatch(/^Today was our first ever social media surgery/);
    expect(post.content.match(/<p>/g)).toHaveLength(5);
    for (const handle of [
      'changeleeds',
      'BPDFFS',
      'helenstanding',
      'inkwellarts',
      'leedswellweb',
    ]) {
      expect(post.content).toContain(`>@${handle}</a>`);
    }
    expect(post.content).toContain('Hopefully the start of something good.');
    expect(post.content).toMatch(/We live blogged the event <a href="[^"]+">here<\/a>/);
  });

  it('answers null for an unknown slug', async () => {
    const res = await server.gql(`{ post(slug: "no-such-post") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ post: null });
  });

  it('hides drafts and posts scheduled for later, and lists published posts newest first with cursors', async () => {
    await addPost({ slug: 'a-draft', status: 'DRAFT' });
    await addPost({ slug: 'scheduled', publishedAt: new Date(Date.now() + 3600_000) });
    for (let i = 1; i <= 3; i++) {
      await addPost({ slug: `newer-${i}`, publishedAt: new Date(Date.UTC(2020, 0, i)) });
    }
    for (const slug of ['a-draft', 'scheduled']) {
      const res = await server.gql(`query($s: String!) { post(slug: $s) { id } }`, { s: slug });
      expect(res.data).toEqual({ post: null });
    }

    const list = `query($after: String) { posts(first: 2, after: $after) {
      edges { cursor node { slug } } pageInfo { hasNextPage endCursor } } }`;
    type List = {
      posts: {
        edges: { node: { slug: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await server.gql<List>(list);
    expect(first.data!.posts.edges.map((e) => e.node.slug)).toEqual(['newer-3', 'newer-2']);
    expect(first.data!.posts.pageInfo.hasNextPage).toBe(true);
    const second = await server.gql<List>(list, { after: first.data!.posts.pageInfo.endCursor });
    expect(second.data!.posts.edges.map((e) => e.node.slug)).toEqual(['newer-1', SLUG]);
    expect(second.data!.posts.pageInfo.hasNextPage).toBe(false);
  });

  it('filters posts by tag slug', async () => {
    const res = await server.gql<{ posts: { edges: { node: { slug: string } }[] } }>(
      `{ posts(tag: "smsmhealth") { edges { node { slug } } } }`,
    );
    expect(res.data!.posts.edges.map((e) => e.node.slug)).toEqual([SLUG]);
    const none = await server.gql<{ posts: { edges: unknown[] } }>(
      `{ posts(tag: "nothing-here") { edges { cursor } } }`,
    );
    expect(none.data!.posts.edges).toEqual([]);
  });

  it('refuses a malformed cursor and an out-of-range page size with a clear error', async () => {
    const bad = await server.gql(`{ posts(after: "not-a-cursor") { edges { cursor } } }`);
    expect(bad.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/Invalid cursor/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const big = await server.gql(`{ posts(first: 1000) { edges { cursor } } }`);
    expect(big.errors?.[0]?.message).toMatch(/"first" must be between 0 and 100/);
  });

  it('seeds only once: a second start on the same database adds nothing', async () => {
    expect(await seedIfEmpty(server.db)).toBe(false);
    const counts = await Promise.all(
      ['Post', 'Comment', 'Linkback', 'ShareTarget'].map((e) => server.repo(e).count()),
    );
    expect(counts).toEqual([6, 1, 3, 8]);
  });

  // Last: it adds posts.
  it('gives each post its own tags by name, with the post and in the list, and none to a post without', async () => {
    const tagged = await addPost({ slug: 'three-tags', publishedAt: new Date(Date.now() - 1000) });
    await addPost({ slug: 'no-tags', publishedAt: new Date(Date.now() - 500) });
    await server.db.write(async (em) => {
      for (const [name, slug] of [
        ['zeta', 'zeta'],
        ['Alpha', 'alpha'],
        ['mid "quoted" \\ tag', 'mid'],
      ]) {
        const tag = await em.getRepository('Tag').save({ name, slug });
        await em.getRepository('PostTag').save({ postId: tagged.id, tagId: tag.id });
      }
    });
    const expected = [
      { name: 'Alpha', slug: 'alpha' },
      { name: 'mid "quoted" \\ tag', slug: 'mid' },
      { name: 'zeta', slug: 'zeta' },
    ];
    type Tags = { name: string; slug: string }[];
    const one = await server.gql<{ post: { tags: Tags } }>(
      `{ post(slug: "three-tags") { tags { name slug } } }`,
    );
    expect(one.data!.post.tags).toEqual(expected);
    const list = await server.gql<{ posts: { edges: { node: { slug: string; tags: Tags } }[] } }>(
      `{ posts(first: 3) { edges { node { slug tags { name slug } } } } }`,
    );
    const bySlug = new Map(list.data!.posts.edges.map((e) => [e.node.slug, e.node.tags]));
    expect(bySlug.get('no-tags')).toEqual([]);
    expect(bySlug.get('three-tags')).toEqual(expected);
  });
});
