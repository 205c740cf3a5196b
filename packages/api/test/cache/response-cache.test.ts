import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tags } from '../../src/db/changes.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { insertComment, insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const webGraphql = path.resolve(import.meta.dirname, '../../../web/src/graphql');
const POST_PAGE = ['posts.graphql', 'comments.graphql']
  .map((f) => fs.readFileSync(path.join(webGraphql, f), 'utf8'))
  .join('\n');
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateComments(ids: $ids, status: $status) { errors { code } } }`;
const SUBMIT = `mutation($input: SubmitCommentInput!) {
  submitComment(input: $input) { status comment { id } errors { code } } }`;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

describe.each(databaseKinds())('the response cache on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;

  beforeAll(async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    editor = await signedInUser(server, 'editor@example.com', 'EDITOR');
    // Several comments from one address in a few seconds: the flood rule would refuse them.
    await setDiscussionSettings(server.db, { minSecondsBetweenComments: 0 });
  });
  afterAll(() => server.close());

  async function post(
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  const postPage = (headers: Record<string, string> = {}) =>
    post({ query: POST_PAGE, operationName: 'PostPage', variables: { slug: SLUG } }, headers);

  async function page(url: string, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${server.url}${url}`, { headers, redirect: 'manual' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** An approved comment on the seed post, written as a visitor would and approved by the editor. */
  async function approvedComment(content: string): Promise<string> {
    const sent = await server.gql<{ submitComment: { comment: { id: string } | null } }>(SUBMIT, {
      input: {
        postId: '1',
        authorName: 'Reader',
        authorEmail: `reader-${content.length}-${Date.now()}@example.org`,
        content,
      },
    });
    const id = sent.data!.submitComment.comment!.id;
    const approved = await server.gqlAs(editor.token, MODERATE, { ids: [id], status: 'APPROVED' });
    expect(approved.raw).toContain('"errors":[]');
    return id;
  }

  it('answers a repeated anonymous query from memory: the same bytes, no SQL', async () => {
    const first = await postPage();
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=0, s-maxage=\d+/);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);

    let again: Answer | undefined;
    const statements = await server.countQueries(async () => {
      again = await postPage();
    });
    expect(again!.headers.get('x-cache')).toBe('hit');
    expect(again!.text).toBe(first.text);
    expect(again!.headers.get('etag')).toBe(etag);
    expect(statements).toBe(0);

    // The same operation sent with other whitespace in the JSON, variables in another order: one entry.
    const reordered = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{ "variables": {"slug": "${SLUG}"},  "operationName": "PostPage", "query": ${JSON.stringify(POST_PAGE)} }`,
    });
    expect(reordered.headers.get('x-cache')).toBe('hit');
  });

  it('answers a persisted-query GET (hash only) from the entry the full query made', async () => {
    await postPage();
    const hash = createHash('sha256').update(POST_PAGE).digest('hex');
    const params = new URLSearchParams({
      operationName: 'PostPage',
      variables: JSON.stringify({ slug: SLUG }),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }),
    });
    const res = await fetch(`${server.url}/graphql?${params}`, {
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('hit');
    expect(res.headers.get('vary')).toBe('authorization');
    expect(await res.text()).toBe((await postPage()).text);

    // A hash that is not the query's is Apollo's to refuse, never a hit.
    const wrong = await post({
      query: POST_PAGE,
      operationName: 'PostPage',
      variables: { slug: SLUG },
      extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('x-cache')).toBeNull();
  });

  it('answers If-None-Match with 304 and no body, hit or miss', async () => {
    const first = await postPage();
    const etag = first.headers.get('etag')!;
    const notModified = await postPage({ 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');

    const html = await page(`/posts/${SLUG}`);
    const again = await page(`/posts/${SLUG}`, {
      'if-none-match': `W/${html.headers.get('etag')}`,
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const other = await page(`/posts/${SLUG}`, { 'if-none-match': '"something-else"' });
    expect(other.status).toBe(200);
    expect(other.text).toBe(html.text);
  });

  it('shows an approved comment on the very next request, in the query and the page', async () => {
    await postPage();
    await page(`/posts/${SLUG}`);
    expect((await postPage()).headers.get('x-cache')).toBe('hit');

    await approvedComment('Approved just now, read at once.');
    const query = await postPage();
    expect(query.headers.get('x-cache')).not.toBe('hit');
    expect(query.text).toContain('Approved just now, read at once.');
    const html = await page(`/posts/${SLUG}`);
    expect(html.headers.get('x-cache')).not.toBe('hit');
    expect(html.text).toContain('Approved just now, read at once.');

    // Unapproved again: gone on the next request.
    const id = JSON.parse(query.text).data.post.comments.edges.at(-1).node.id as string;
    await server.gqlAs(editor.token, MODERATE, { ids: [id], status: 'SPAM' });
    expect((await postPage()).text).not.toContain('Approved just now, read at once.');
    expect((await page(`/posts/${SLUG}`)).text).not.toContain('Approved just now, read at once.');
  });

  it("drops only what a change touched: another post's entries stay", async () => {
    const other = await insertPost(server.db, {
      slug: 'another-post',
      status: 'PUBLISHED',
      publishedAt: new Date(Date.UTC(2020, 0, 1)),
    });
    const otherPage = () =>
      post({ query: POST_PAGE, operationName: 'PostPage', variables: { slug: 'another-post' } });
    await otherPage();
    await postPage();
    expect((await otherPage()).headers.get('x-cache')).toBe('hit');
    await approvedComment('Only the seed post changes.');
    expect((await postPage()).headers.get('x-cache')).not.toBe('hit');
    expect((await otherPage()).headers.get('x-cache')).toBe('hit');
    expect(other.id).toBeGreaterThan(1);
  });

  it("never serves a signed-in viewer's answer to anyone else, nor keeps it", async () => {
    const VIEWER = `query { site { title } viewer { email } }`;
    const mine = await post({ query: VIEWER }, { authorization: `Bearer ${editor.token}` });
    expect(mine.text).toContain('editor@example.com');
    expect(mine.headers.get('cache-control')).toBe('private, no-store');
    expect(mine.headers.get('x-cache')).toBeNull();

    const anonymous = await post({ query: VIEWER });
    expect(anonymous.text).not.toContain('editor@example.com');
    expect(anonymous.text).toContain('"viewer":null');
    // A query naming the viewer is not kept even when anonymous: it is about who asks.
    expect(anonymous.headers.get('cache-control')).toBe('private, no-store');
    expect((await post({ query: VIEWER })).headers.get('x-cache')).toBeNull();

    // The editor asking the public page query is answered anew, and not from what readers were sent.
    await postPage();
    const editors = await postPage({ authorization: `Bearer ${editor.token}` });
    expect(editors.headers.get('x-cache')).toBeNull();
    expect(editors.headers.get('cache-control')).toBe('private, no-store');
  });

  it('keeps no errors and no mutations', async () => {
    const bad = {
      query: POST_PAGE,
      operationName: 'PostPage',
      variables: { slug: SLUG, after: 'x' },
    };
    const first = await post(bad);
    expect(first.status).toBe(400);
    expect(first.headers.get('cache-control')).toBe('private, no-store');
    expect((await post(bad)).headers.get('x-cache')).not.toBe('hit');

    const mutation = { query: MODERATE, variables: { ids: ['999999'], status: 'APPROVED' } };
    await post(mutation);
    expect((await post(mutation)).headers.get('x-cache')).toBeNull();
  });

  it("keeps a visitor's own pending comment out of everyone else's page", async () => {
    const form = await page(`/posts/${SLUG}`);
    const token = /name="form_token" value="([^"]+)"/.exec(form.text)?.[1];
    expect(token).toBeDefined();
    const sent = await fetch(`${server.url}/posts/${SLUG}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.config.publicUrl,
      },
      body: new URLSearchParams({
        form_token: token!,
        authorName: 'Pending Person',
        authorEmail: 'pending-person@example.org',
        content: 'Held for moderation, mine alone.',
      }).toString(),
    });
    expect(sent.status).toBe(303);
    const cookie = sent.headers.get('set-cookie')!.split(';')[0]!;
    expect(sent.headers.get('cache-control')).toContain('no-store');

    const mine = await page(`/posts/${SLUG}`, { cookie });
    expect(mine.text).toContain('Held for moderation, mine alone.');
    expect(mine.headers.get('cache-control')).toBe('private, no-store');
    expect(mine.headers.get('x-cache')).toBeNull();

    const theirs = await page(`/posts/${SLUG}`);
    expect(theirs.text).not.toContain('Held for moderation, mine alone.');
    const again = await page(`/posts/${SLUG}`);
    expect(again.headers.get('x-cache')).toBe('hit');
    expect(again.text).not.toContain('Held for moderation, mine alone.');
  });

  it('announces nothing for a unit of work that rolls back', async () => {
    await postPage();
    expect((await postPage()).headers.get('x-cache')).toBe('hit');
    await expect(
      server.db.write(async () => {
        server.db.changed(tags.post(1));
        // Joins the open unit of work, and is rolled back with it.
        await insertComment(server.db, {
          postId: 1,
          contentHtml: '<p>never</p>',
          createdAt: new Date(),
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const after = await postPage();
    expect(after.headers.get('x-cache')).toBe('hit');
    expect(after.text).not.toContain('never');
  });

  it('treats a write that names nothing as a change of everything', async () => {
    await postPage();
    expect((await postPage()).headers.get('x-cache')).toBe('hit');
    // A fixture written straight to the table, as a forgotten code path would.
    await server
      .repo('Comment')
      .update({ id: 1 }, { contentHtml: '<p>Edited behind our back.</p>' });
    const after = await postPage();
    expect(after.headers.get('x-cache')).not.toBe('hit');
    expect(after.text).toContain('Edited behind our back.');
  });

  it('shows a scheduled post when its time comes, with no write', async () => {
    const LIST = `query { posts(first: 50) { edges { node { slug } } } }`;
    const soon = new Date(Date.now() + 1500);
    await insertPost(server.db, { slug: 'scheduled-soon', status: 'PUBLISHED', publishedAt: soon });
    const before = await post({ query: LIST });
    expect(before.text).not.toContain('scheduled-soon');
    expect((await post({ query: LIST })).headers.get('x-cache')).toBe('hit');
    const missing = await page('/posts/scheduled-soon', { accept: 'text/html' });
    expect(missing.status).toBe(404);

    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, soon.getTime() - Date.now()) + 100),
    );
    const after = await post({ query: LIST });
    expect(after.text).toContain('scheduled-soon');
    expect((await page('/posts/scheduled-soon')).status).toBe(200);
  });
});

describe('the response cache switched off', () => {
  it('answers every request anew, with the same HTTP headers', async () => {
    const server = await startServer('sqlite', { env: { COLLOQUY_CACHE: 'off', JOB_WORKER: '0' } });
    try {
      const ask = () =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: POST_PAGE,
            operationName: 'PostPage',
            variables: { slug: SLUG },
          }),
        });
      await ask();
      let res: Response | undefined;
      const statements = await server.countQueries(async () => {
        res = await ask();
      });
      expect(res!.headers.get('x-cache')).toBeNull();
      expect(res!.headers.get('cache-control')).toMatch(/^public, max-age=0/);
      expect(res!.headers.get('etag')).toMatch(/^"/);
      expect(statements).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
