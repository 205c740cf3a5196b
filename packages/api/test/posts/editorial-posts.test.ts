import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { createServices } from '../../src/services.js';
import { signedInUser, type SignedIn, type UserError } from '../support/editorial.js';
import { insertComment } from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

interface EditorPost {
  id: string;
  slug: string;
  title: string;
  status: string;
  content: string;
  contentSource: string | null;
  contentFormat: string | null;
  excerpt: string;
  publishedAt: string | null;
  commentsOpen: boolean;
  tags: { name: string; slug: string }[];
  author: { id: string };
}

interface Payload {
  post: EditorPost | null;
  errors: UserError[];
}

const POST_FIELDS = `id slug title status content contentSource contentFormat excerpt publishedAt
  commentsOpen tags { name slug } author { id }`;

const CREATE = `mutation($input: CreatePostInput!) {
  createPost(input: $input) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const UPDATE = `mutation($input: UpdatePostInput!) {
  updatePost(input: $input) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const PUBLISH = `mutation($id: ID!, $at: DateTime) {
  publishPost(id: $id, publishAt: $at) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const simple = (name: string) => `mutation($id: ID!) {
  ${name}(id: $id) { post { ${POST_FIELDS} } errors { field code message } }
}`;
const DELETE = `mutation($id: ID!) { deletePost(id: $id) { deletedId errors { field code message } } }`;
const PUBLIC_POST = `query($slug: String!) { post(slug: $slug) { id title } }`;
const PUBLIC_POSTS = `{ posts(first: 100) { edges { node { slug } } } }`;
const REVISIONS = `query($id: ID!) { editorPost(id: $id) { title revisions {
  id title content contentFormat excerpt tags createdAt createdBy } } }`;

describe.each(databaseKinds())('editorial API: posts on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;

  beforeAll(async () => {
    server = await startServer(kind);
    editor = await signedInUser(server, 'editor@example.com', 'EDITOR', 'Eddie Editor');
  });
  afterAll(async () => {
    await server?.close();
  });

  const as = <T>(query: string, variables?: Record<string, unknown>) =>
    server.gqlAs<T>(editor.token, query, variables);
  const create = async (input: Record<string, unknown>) =>
    (await as<{ createPost: Payload }>(CREATE, { input })).data!.createPost;
  const update = async (input: Record<string, unknown>) =>
    (await as<{ updatePost: Payload }>(UPDATE, { input })).data!.updatePost;
  const run = async (name: string, id: string) =>
    (await as<Record<string, Payload>>(simple(name), { id })).data![name]!;
  const publicPost = async (slug: string) =>
    (await server.gql<{ post: { id: string } | null }>(PUBLIC_POST, { slug })).data!.post;
  const postCount = () => server.repo<PostRow>('Post').count();

  it('writes a draft in Markdown: sanitized HTML, source kept, excerpt and tags made, invisible to readers', async () => {
    const markdown = [
      '# Café *notes*',
      '',
      'Hello **world** <script>alert(1)</script> and [a link](https://example.org).',
      '',
      '<img src="x" onerror="alert(2)"> [bad](javascript:alert(3))',
    ].join('\n');
    const result = await create({
      title: '  Crème brûlée: a  Story!  ',
      content: markdown,
      contentFormat: 'MARKDOWN',
      tags: ['#Social Media', 'mental-health', 'social media'],
    });
    expect(result.errors).toEqual([]);
    const post = result.post!;
    expect(post).toMatchObject({
      slug: 'creme-brulee-a-story',
      title: 'Crème brûlée: a Story!',
      status: 'DRAFT',
      publishedAt: null,
      contentSource: markdown,
      contentFormat: 'MARKDOWN',
      commentsOpen: true,
      author: { id: String(editor.authorId) },
    });
    expect(post.content).toContain('<strong>world</strong>');
    expect(post.content).toContain('<a href="https://example.org">a link</a>');
    expect(post.content).not.toMatch(/<script|onerror|javascript:/i);
    expect(post.excerpt).toMatch(/^Café notes Hello world and a link\./);
    expect(post.tags.map((t) => [t.name, t.slug]).sort()).toEqual([
      ['Social Media', 'social-media'],
      ['mental-health', 'mental-health'],
    ]);
    expect(await publicPost(post.slug)).toBeNull();
    const list = await server.gql<{ posts: { edges: { node: { slug: string } }[] } }>(PUBLIC_POSTS);
    expect(list.data!.posts.edges.map((e) => e.node.slug)).not.toContain(post.slug);

    const stored = await server.repo<PostRow>('Post').findOneByOrFail({
      id: Number(post.id),
    });
    expect(stored.contentHtml).not.toMatch(/<script/i);
  });

  it('sanitizes HTML content too', async () => {
    const { post } = await create({
      title: 'HTML post',
      content: '<p onclick="x()">Hi<script>alert(1)</script></p><iframe src="https://x"></iframe>',
    });
    expect(post!.content).toBe('<p>Hi</p>');
    expect(post!.contentFormat).toBe('HTML');
    expect(post!.excerpt).toBe('Hi');
  });

  it('makes unique slugs from titles (-2, -3 …), refuses a taken or malformed slug and changes nothing', async () => {
    const a = await create({ title: 'Same title' });
    const b = await create({ title: 'Same Title!' });
    const c = await create({ title: 'same   title' });
    expect([a.post!.slug, b.post!.slug, c.post!.slug]).toEqual([
      'same-title',
      'same-title-2',
      'same-title-3',
    ]);
    const emoji = await create({ title: '🎉🎉' });
    expect(emoji.post!.slug).toMatch(/^post(-\d+)?$/);

    const before = await postCount();
    const taken = await create({ title: 'Other', slug: 'same-title-2' });
    expect(taken).toEqual({
      post: null,
      errors: [{ field: 'slug', code: 'SLUG_TAKEN', message: expect.any(String) }],
    });
    for (const slug of ['Upper-Case', 'two--hyphens', '-lead', 'spaces here', 'ünï']) {
      const bad = await create({ title: 'Other', slug });
      expect(bad.errors.map((e) => [e.field, e.code])).toEqual([['slug', 'INVALID_SLUG']]);
    }
    const several = await create({
      title: 'x'.repeat(301),
      tags: ['ok', '<script>', 'emoji 🎉'],
    });
    expect(several.errors.map((e) => [e.field, e.code])).toEqual([
      ['title', 'TOO_LONG'],
      ['tags', 'INVALID_TAG'],
      ['tags', 'INVALID_TAG'],
    ]);
    const blank = await create({ title: '   ' });
    expect(blank.errors.map((e) => [e.field, e.code])).toEqual([['title', 'REQUIRED']]);
    expect(await postCount()).toBe(before);

    // Editing the slug: to a free one works, to a taken one is refused and changes nothing.
    const moved = await update({ id: c.post!.id, slug: 'a-fresh-slug' });
    expect(moved.post!.slug).toBe('a-fresh-slug');
    const clash = await update({ id: c.post!.id, slug: 'same-title', title: 'Renamed' });
    expect(clash.errors.map((e) => e.code)).toEqual(['SLUG_TAKEN']);
    const unchanged = await as<{ editorPost: EditorPost }>(
      `query($id: ID!) { editorPost(id: $id) { slug title } }`,
      { id: c.post!.id },
    );
    expect(unchanged.data!.editorPost).toEqual({ slug: 'a-fresh-slug', title: 'same title' });
    // An empty slug is made again from the (new) title.
    const regenerated = await update({ id: c.post!.id, slug: '', title: 'Same title' });
    expect(regenerated.post!.slug).toBe('same-title-3');
  });

  it('keeps every version as a revision and restores one (itself a new revision)', async () => {
    const { post } = await create({
      title: 'First',
      content: 'one',
      contentFormat: 'MARKDOWN',
      tags: ['a'],
    });
    const id = post!.id;
    await update({
      id,
      title: 'Second',
      content: '<p>two</p>',
      contentFormat: 'HTML',
      tags: ['b'],
    });
    const noChange = await update({ id, title: 'Second' });
    expect(noChange.errors).toEqual([]);
    await update({ id, excerpt: 'A hand-written excerpt.' });

    type Revs = {
      editorPost: {
        revisions: {
          id: string;
          title: string;
          content: string;
          contentFormat: string;
          excerpt: string;
          tags: string[];
          createdBy: string | null;
        }[];
      };
    };
    const revs = (await as<Revs>(REVISIONS, { id })).data!.editorPost.revisions;
    expect(revs.map((r) => [r.title, r.content, r.contentFormat, r.excerpt, r.tags])).toEqual([
      ['Second', '<p>two</p>', 'HTML', 'A hand-written excerpt.', ['b']],
      ['Second', '<p>two</p>', 'HTML', 'two', ['b']],
      ['First', 'one', 'MARKDOWN', 'one', ['a']],
    ]);
    expect(revs.every((r) => r.createdBy === 'Eddie Editor')).toBe(true);

    // The hand-written excerpt stays when the content changes; a generated one follows it.
    const edited = await update({ id, content: '<p>three</p>' });
    expect(edited.post!.excerpt).toBe('A hand-written excerpt.');

    const restored = await as<{ restorePostRevision: Payload }>(
      `mutation($r: ID!) { restorePostRevision(revisionId: $r) { post { ${POST_FIELDS} } errors { code } } }`,
      { r: revs[2]!.id },
    );
    expect(restored.data!.restorePostRevision.post).toMatchObject({
      title: 'First',
      contentSource: 'one',
      contentFormat: 'MARKDOWN',
      content: '<p>one</p>\n',
      excerpt: 'one',
      tags: [{ name: 'a', slug: 'a' }],
    });
    const after = (await as<Revs>(REVISIONS, { id })).data!.editorPost.revisions;
    expect(after).toHaveLength(5);
    expect(after[0]!.title).toBe('First');

    const unknown = await as<{ restorePostRevision: Payload }>(
      `mutation { restorePostRevision(revisionId: "999999") { post { id } errors { field code } } }`,
    );
    expect(unknown.data!.restorePostRevision.errors).toEqual([
      { field: 'revisionId', code: 'NOT_FOUND' },
    ]);
  });

  it('keeps the seed post first version when it is first edited', async () => {
    const seed = await as<{ editorPosts: { edges: { node: { id: string } }[] } }>(
      `{ editorPosts(search: "surgery") { edges { node { id } } } }`,
    );
    const id = seed.data!.editorPosts.edges[0]!.node.id;
    await update({ id, title: 'Social media surgery for mental health (updated)' });
    const revs = (
      await as<{ editorPost: { revisions: { title: string; createdBy: string | null }[] } }>(
        REVISIONS,
        { id },
      )
    ).data!.editorPost.revisions;
    expect(revs.map((r) => [r.title, r.createdBy])).toEqual([
      ['Social media surgery for mental health (updated)', 'Eddie Editor'],
      ['Social media surgery for mental health #smsmhealth', null],
    ]);
  });

  it('schedules a post: invisible until its time, then visible with nothing running in between', async () => {
    const { post } = await create({ title: 'Scheduled post', content: 'Soon.' });
    const past = await as<{ publishPost: Payload }>(PUBLISH, {
      id: post!.id,
      at: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.data!.publishPost.errors.map((e) => [e.field, e.code])).toEqual([
      ['publishAt', 'IN_THE_PAST'],
    ]);
    const at = new Date(Date.now() + 1500).toISOString();
    const scheduled = (await as<{ publishPost: Payload }>(PUBLISH, { id: post!.id, at })).data!
      .publishPost;
    expect(scheduled.errors).toEqual([]);
    expect(scheduled.post).toMatchObject({ status: 'SCHEDULED', publishedAt: at });
    expect(await publicPost(post!.slug)).toBeNull();
    const listed = await as<{ editorPosts: { edges: { node: { slug: string } }[] } }>(
      `{ editorPosts(status: SCHEDULED) { edges { node { slug } } } }`,
    );
    expect(listed.data!.editorPosts.edges.map((e) => e.node.slug)).toContain(post!.slug);

    let visible = null;
    for (let i = 0; i < 100 && !visible; i++) {
      visible = await publicPost(post!.slug);
      if (!visible) await new Promise((r) => setTimeout(r, 100));
    }
    expect(visible).toEqual({ id: post!.id, title: 'Scheduled post' });
    const now = await as<{ editorPost: { status: string } }>(
      `query($id: ID!) { editorPost(id: $id) { status } }`,
      { id: post!.id },
    );
    expect(now.data!.editorPost.status).toBe('PUBLISHED');
  });

  it('publishes now, unpublishes, trashes, restores as a draft and deletes only from the trash', async () => {
    const { post } = await create({ title: 'Lifecycle', content: 'Body' });
    const id = post!.id;
    const published = await run('publishPost', id);
    expect(published.post!.status).toBe('PUBLISHED');
    expect(await publicPost(post!.slug)).not.toBeNull();
    await insertComment(server.db, { postId: Number(id), createdAt: new Date() });

    const notTrashed = (
      await as<{ deletePost: { deletedId: string | null; errors: UserError[] } }>(DELETE, { id })
    ).data!.deletePost;
    expect(notTrashed).toMatchObject({
      deletedId: null,
      errors: [{ field: 'id', code: 'NOT_IN_TRASH' }],
    });
    expect(await publicPost(post!.slug)).not.toBeNull();

    expect((await run('unpublishPost', id)).post).toMatchObject({
      status: 'DRAFT',
      publishedAt: null,
    });
    expect(await publicPost(post!.slug)).toBeNull();
    await run('publishPost', id);

    expect((await run('trashPost', id)).post!.status).toBe('TRASH');
    expect(await publicPost(post!.slug)).toBeNull();
    const trashedEdit = await update({ id, title: 'Nope' });
    expect(trashedEdit.errors.map((e) => e.code)).toEqual(['IN_TRASH']);
    const trashList = await as<{ editorPosts: { edges: { node: { id: string } }[] } }>(
      `{ all: editorPosts { edges { node { id } } } editorPosts(status: TRASH) { edges { node { id } } } }`,
    );
    expect(trashList.data!.editorPosts.edges.map((e) => e.node.id)).toEqual([id]);

    const restored = await run('restorePost', id);
    expect(restored.post).toMatchObject({ status: 'DRAFT', title: 'Lifecycle' });
    expect((await run('restorePost', id)).errors.map((e) => e.code)).toEqual(['NOT_IN_TRASH']);

    await run('trashPost', id);
    const deleted = (
      await as<{ deletePost: { deletedId: string | null; errors: UserError[] } }>(DELETE, { id })
    ).data!.deletePost;
    expect(deleted).toEqual({ deletedId: id, errors: [] });
    expect(await server.repo<PostRow>('Post').countBy({ id: Number(id) })).toBe(0);
    expect(await server.repo<CommentRow>('Comment').countBy({ postId: Number(id) })).toBe(0);
    const gone = (await as<{ deletePost: { errors: UserError[] } }>(DELETE, { id })).data!
      .deletePost;
    expect(gone.errors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('lists posts for editors with search and pagination', async () => {
    for (const title of ['Zebra one', 'Zebra two', 'Zebra three']) await create({ title });
    type List = {
      editorPosts: {
        edges: { node: { title: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = (
      await as<List>(
        `{ editorPosts(search: "zebra", first: 2) { edges { node { title } } pageInfo { hasNextPage endCursor } } }`,
      )
    ).data!.editorPosts;
    expect(first.edges.map((e) => e.node.title)).toEqual(['Zebra three', 'Zebra two']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = (
      await as<List>(
        `query($a: String) { editorPosts(search: "ZEBRA", first: 2, after: $a) { edges { node { title } } pageInfo { hasNextPage endCursor } } }`,
        { a: first.pageInfo.endCursor },
      )
    ).data!.editorPosts;
    expect(next.edges.map((e) => e.node.title)).toEqual(['Zebra one']);
    expect(next.pageInfo.hasNextPage).toBe(false);
    const wildcard = (await as<List>(`{ editorPosts(search: "%") { edges { node { title } } } }`))
      .data!.editorPosts;
    expect(wildcard.edges).toEqual([]);
  });

  it('calls the onPostPublished hook when a post readers can see is published or changed', async () => {
    const calls: number[] = [];
    const services = createServices({
      db: server.db,
      config: server.config,
      hooks: { onPostPublished: async (postId) => void calls.push(postId) },
    });
    const viewer = {
      userId: editor.userId,
      email: 'editor@example.com',
      displayName: 'Eddie Editor',
      role: 'EDITOR' as const,
      authorId: editor.authorId,
      credential: { kind: 'session' as const, sessionId: 0 },
    };
    const { post } = await services.postEditor.create(viewer, { title: 'Hooked' });
    const id = String(post!.id);
    await services.postEditor.publish(viewer, id, new Date(Date.now() + 3_600_000));
    expect(calls).toEqual([]); // scheduled: readers cannot see it yet
    await services.postEditor.publish(viewer, id, null);
    await services.postEditor.update(viewer, id, { title: 'Hooked again' });
    await services.postEditor.unpublish(viewer, id);
    await services.postEditor.update(viewer, id, { title: 'Draft edit' });
    expect(calls).toEqual([post!.id, post!.id]);
  });
});
