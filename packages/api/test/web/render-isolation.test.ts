// Server renders share what is made once per process (each query document,
// transformed and printed once) and interleave while their queries run in
// process. Nothing of one render's data or viewer may show in another's page:
// its markup, its data for hydration, its JSON-LD. And a query that fails
// fails its own page only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { insertComment, insertPost } from '../support/fixtures.js';
import {
  byClass,
  byTag,
  commentIds,
  commentItem,
  dataObjects,
  getPage,
  JSON_LD_SCRIPT,
  pageData,
  scriptJson,
  siteSigner,
  text,
  type HtmlPage,
} from '../support/html.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

interface OwnComments {
  ownComments: { postId: string; comments: { comment: { id: string } }[] } | null;
}

interface Fixture {
  label: string;
  post: PostRow;
  comment: CommentRow;
}

describe.each(databaseKinds())('server renders kept apart on %s', (kind) => {
  let server: TestServer;
  let a: Fixture;
  let b: Fixture;
  let pending: CommentRow;
  let cookie: string;

  const addPostWithComment = async (label: string): Promise<Fixture> => {
    const post = await insertPost(server.db, {
      slug: `isolation-${label.toLowerCase()}`,
      title: `Isolation ${label}`,
      contentHtml: `<p>${label} body text</p>`,
      excerpt: `${label} excerpt`,
    });
    const comment = await insertComment(server.db, {
      postId: post.id,
      createdAt: new Date(Date.UTC(2024, 0, 1, 12, 0)),
      authorName: `${label} Commenter`,
      contentHtml: `<p>${label} comment words</p>`,
    });
    return { label, post, comment };
  };

  beforeAll(async () => {
    // The response cache off: every page here is a render of its own.
    server = await startServer(kind, { env: { COLLOQUY_CACHE: 'off' } });
    a = await addPostWithComment('Alpha');
    b = await addPostWithComment('Bravo');
    pending = await insertComment(server.db, {
      postId: a.post.id,
      createdAt: new Date(Date.UTC(2024, 0, 1, 12, 5)),
      status: 'PENDING',
      authorName: 'Alpha Pending',
      contentHtml: '<p>alpha pending words</p>',
    });
    cookie = `colloquy_pending=${(await siteSigner(server.db)).pendingCookie([pending.id])}`;
  });
  afterAll(() => server?.close());

  const page = (f: Fixture, withCookie = false) =>
    getPage(server.url, `/posts/${f.post.slug}`, withCookie ? { cookie } : {});

  /** The page shows `mine` (and the pending comment when `own`), and nothing of `other`. */
  function expectOwnPage(html: HtmlPage, mine: Fixture, other: Fixture, own = false) {
    const name = mine.post.title;
    expect(html.status, name).toBe(200);
    expect(byTag(html.app, 'h1').map(text), name).toEqual([name]);
    expect(commentIds(html), name).toEqual(own ? [mine.comment.id, pending.id] : [mine.comment.id]);
    if (own) {
      expect(text(commentItem(html, pending.id))).toContain('Your comment is awaiting moderation.');
    }
    const cacheControl = html.headers.get('cache-control');
    if (own) expect(cacheControl, name).toBe('private, no-store');
    else expect(cacheControl, name).toMatch(/^public, /);
    expect(html.html, name).toContain(`${mine.label} body text`);

    const data = pageData(html.html);
    const posts = [...dataObjects<{ title: string }>(data, 'Post').values()];
    expect(posts.map((post) => post.title)).toEqual([name]);
    const commenters = [...dataObjects<{ authorName: string }>(data, 'Comment').values()];
    expect(commenters.map((comment) => comment.authorName)).toEqual([mine.comment.authorName]);
    const page = data.page as unknown as OwnComments;
    expect(page.ownComments?.comments.map((c) => c.comment.id) ?? []).toEqual(
      own ? [String(pending.id)] : [],
    );
    expect(scriptJson<{ headline: string }>(html.html, JSON_LD_SCRIPT).headline).toBe(name);

    for (const foreign of [other.post.title, other.comment.authorName, `${other.label} body text`])
      expect(html.html, name).not.toContain(foreign);
    if (!own) expect(html.html, name).not.toContain('alpha pending words');
  }

  it('renders one page after another with only its own post, thread and viewer', async () => {
    expectOwnPage(await page(a), a, b);
    expectOwnPage(await page(b), b, a);
    expectOwnPage(await page(a, true), a, b, true);
    expectOwnPage(await page(b, true), b, a); // the cookie names no comment of B
    expectOwnPage(await page(a), a, b);
  });

  it('renders pages at the same time with only their own post, thread and viewer', async () => {
    for (let round = 0; round < 3; round++) {
      const [first, second, mine, again] = await Promise.all([
        page(a),
        page(b),
        page(a, true),
        page(b),
      ]);
      expectOwnPage(first, a, b);
      expectOwnPage(second, b, a);
      expectOwnPage(mine, a, b, true);
      expectOwnPage(again, b, a);
    }
  });

  it('answers 503 "Try again" for a page whose query fails, and the next page is whole', async () => {
    // The post page's linkbacks cannot be read while their table is away.
    await server.db.write((em) => em.query('ALTER TABLE linkbacks RENAME TO linkbacks_away'));
    try {
      const [broken, other] = await Promise.all([page(a), page(b)]);
      for (const html of [broken, other]) {
        expect(html.status).toBe(503);
        expect(text(byTag(html.app, 'div', { role: 'alert' })[0]!)).toMatch(
          /^Could not load this page\. Check your connection and try again\./,
        );
        // The site's own query did not fail: the header still has its title.
        expect(byClass(html.app, 'site-header__title').map(text)).toEqual(['Colloquy']);
        expect(html.html).not.toContain(JSON_LD_SCRIPT);
        const data = pageData(html.html);
        expect([...dataObjects(data, 'Post').keys()]).toEqual([]);
        // The site's query did not fail: its result is there for the browser.
        expect(data.queries.map((query) => query.query)).toEqual(['Site']);
      }
    } finally {
      await server.db.write((em) => em.query('ALTER TABLE linkbacks_away RENAME TO linkbacks'));
    }
    expectOwnPage(await page(a), a, b);
  });
});
