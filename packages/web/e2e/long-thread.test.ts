import { createHash } from 'node:crypto';
import { print } from '@apollo/client/utilities';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../src/apollo';
import { PostPageDocument } from '../src/generated/graphql';
import { adminToken, graphql } from './admin.js';
import { launchChromium } from './browser.js';
import { graphqlCall, PERSISTED_QUERY_NOT_FOUND, recordGraphQL } from './graphql-requests.js';
import { fillComment, threadHydrated } from './reader.js';
import type { RunningServer } from './server.js';
import { useBrowserSession } from './session.js';

// A post with more top-level comments than one thread page holds (50): the
// "Newer comments" link appends the rest in place with JavaScript, and opens
// the next page (?comments=<cursor>) without it. With JavaScript that next
// page is an automatic persisted query (src/browser-link.ts): a GET with the
// query's SHA-256 instead of its text.

const TOTAL = 55;
const PAGE_SIZE = 50;
/** The top-level comment (on the second page) that has a reply from the start. */
const ANSWERED = 53;

const text = (n: number) => `Long thread comment number ${n} of ${TOTAL}.`;
const author = (n: number) => `Commenter ${n}`;
const REPLY_TEXT = 'An approved reply to comment 53, set up before the test.';

/**
 * A published post with TOTAL approved top-level comments, oldest first, and
 * one approved reply; then every new comment is held for moderation again.
 */
async function seedLongThread(server: RunningServer): Promise<string> {
  const token = await adminToken(server);
  const settings = (input: Record<string, unknown>) =>
    graphql<{ updateDiscussionSettings: { errors: unknown[] } }>(
      server,
      'mutation ($input: DiscussionSettingsInput!) { updateDiscussionSettings(input: $input) { errors { message } } }',
      { input },
      token,
    ).then((data) => expect(data.updateDiscussionSettings.errors).toEqual([]));
  // All from 127.0.0.1, one after another: no flood rule; published at once.
  await settings({ minSecondsBetweenComments: 0, moderationMode: 'PUBLISH' });

  const created = await graphql<{ createPost: { post: { id: string; slug: string } | null } }>(
    server,
    'mutation ($input: CreatePostInput!) { createPost(input: $input) { post { id slug } errors { message } } }',
    { input: { title: 'A long thread', content: '<p>Many people had something to say.</p>' } },
    token,
  );
  const post = created.createPost.post!;
  const published = await graphql<{ publishPost: { errors: unknown[] } }>(
    server,
    'mutation ($id: ID!) { publishPost(id: $id) { errors { message } } }',
    { id: post.id },
    token,
  );
  expect(published.publishPost.errors).toEqual([]);

  const submit = async (n: number | null, content: string, parentId?: string) => {
    const data = await graphql<{
      submitComment: { status: string | null; comment: { id: string } | null };
    }>(
      server,
      'mutation ($input: SubmitCommentInput!) { submitComment(input: $input) { status comment { id } errors { message } } }',
      {
        input: {
          postId: post.id,
          parentId,
          authorName: n === null ? 'Early Replier' : author(n),
          authorEmail: `commenter${n ?? 'reply'}@example.org`,
          content,
        },
      },
    );
    expect(data.submitComment.status).toBe('APPROVED');
    return data.submitComment.comment!.id;
  };
  const ids: string[] = [];
  for (let n = 1; n <= TOTAL; n++) ids.push(await submit(n, text(n)));
  await submit(null, REPLY_TEXT, ids[ANSWERED - 1]);

  await settings({ moderationMode: 'HOLD_ALL' });
  return post.slug;
}

/** The texts of the page's top-level comments, in page order. */
function topLevelTexts(page: Page): Promise<string[]> {
  return page
    .locator('#comments > ol.comment-list > li > article .comment__content')
    .allInnerTexts()
    .then((texts) => texts.map((t) => t.trim()));
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => text(from + i));

/**
 * The text the app sends PostPage as (the document as the cache rewrites it,
 * with __typename in every selection, printed), and the hash Apollo Server
 * knows it by.
 */
const POST_PAGE_QUERY = print(createCache().transformDocument(PostPageDocument));
const POST_PAGE_HASH = createHash('sha256').update(POST_PAGE_QUERY).digest('hex');

/** Has the server learn PostPage (as the app's first request would), whatever ran before. */
async function registerPostPage(server: RunningServer): Promise<void> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      operationName: 'PostPage',
      query: POST_PAGE_QUERY,
      variables: { slug, after: null },
      extensions: { persistedQuery: { version: 1, sha256Hash: POST_PAGE_HASH } },
    }),
  });
  expect(response.status).toBe(200);
}

const session = useBrowserSession();
let slug = '';
beforeAll(async () => {
  if (session.server) slug = await seedLongThread(session.server);
});

/** A page in a context of its own without JavaScript: the server's HTML and forms only. */
async function pageWithoutJavaScript(): Promise<Page> {
  const context = await session.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

describe('a thread longer than one page, with JavaScript', () => {
  it('appends the newer comments in place with one PostPage query (its hash, then once its text)', async () => {
    const page = session.page;
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));

    const address = `${session.server.url}/posts/${slug}`;
    await page.goto(address);
    await threadHydrated(page);
    expect(await page.getByRole('heading', { name: `${TOTAL + 1} Comments` }).count()).toBe(1);
    expect(await topLevelTexts(page)).toEqual(range(1, PAGE_SIZE));
    const more = page.getByRole('link', { name: 'Newer comments' });
    const href = await more.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/posts/${slug}\\?comments=[^&#]+#comments$`));

    const requests = recordGraphQL(page);
    await page.evaluate(() => {
      (window as unknown as { longThreadMarker: string }).longThreadMarker = 'same document';
    });
    await more.click();
    await expect.poll(() => topLevelTexts(page)).toEqual(range(1, TOTAL));

    expect(page.url()).toBe(address);
    expect(
      await page.evaluate(
        () => (window as unknown as { longThreadMarker?: string }).longThreadMarker,
      ),
    ).toBe('same document');
    expect(await page.getByRole('link', { name: 'Newer comments' }).count()).toBe(0);
    // The later page came with its replies.
    const answered = page.locator('#comments > ol.comment-list > li').nth(ANSWERED - 1);
    expect(await answered.locator('ol.comment-list--replies > li').innerText()).toContain(
      REPLY_TEXT,
    );
    // One query for the next page, from the link's own cursor: its hash in a
    // GET, then (the first PostPage this server is asked for over HTTP) its
    // text once, in a POST, when the server says it does not know the hash.
    const cursor = new URL(href!, address).searchParams.get('comments');
    const calls = await Promise.all(requests.map(graphqlCall));
    expect(calls.map((c) => [c.method, c.operationName, c.after, c.hash])).toEqual([
      ['GET', 'PostPage', cursor, POST_PAGE_HASH],
      ['POST', 'PostPage', cursor, POST_PAGE_HASH],
    ]);
    expect(calls[0]!.query).toBeUndefined();
    expect(calls[0]!.answer).toEqual(PERSISTED_QUERY_NOT_FOUND);
    expect(calls[1]!.query).toBe(POST_PAGE_QUERY);
    expect(calls[1]!.status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('sends a later reader\'s "Newer comments" as one GET with the query\'s hash and no query text', async () => {
    await registerPostPage(session.server);
    const page = session.page;
    const address = `${session.server.url}/posts/${slug}`;
    await page.goto(address);
    await threadHydrated(page);
    // http://127.0.0.1 is a secure context (a loopback address): Web Crypto hashes.
    expect(await page.evaluate(() => window.isSecureContext && 'subtle' in crypto)).toBe(true);
    const href = await page.getByRole('link', { name: 'Newer comments' }).getAttribute('href');
    const cursor = new URL(href!, address).searchParams.get('comments');
    const assets: string[] = [];
    page.on('request', (request) => assets.push(new URL(request.url()).pathname));

    const requests = recordGraphQL(page);
    await page.getByRole('link', { name: 'Newer comments' }).click();
    await expect.poll(() => topLevelTexts(page)).toEqual(range(1, TOTAL));

    const calls = await Promise.all(requests.map(graphqlCall));
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.method).toBe('GET');
    expect(new URL(requests[0]!.url()).searchParams.has('query')).toBe(false);
    expect(call).toMatchObject({
      operationName: 'PostPage',
      after: cursor,
      hash: POST_PAGE_HASH,
      query: undefined,
      // What gets a GET past the API's CSRF prevention (HttpLink sends it on every request).
      contentType: 'application/json',
      status: 200,
    });
    const answer = call!.answer as { data: { post: { comments: { edges: unknown[] } } } };
    expect(answer.data.post.comments.edges).toHaveLength(TOTAL - PAGE_SIZE);
    expect(assets.filter((p) => p.includes('sha2'))).toEqual([]);
  });

  it('hashes with the lazily loaded SHA-256 where the page has no Web Crypto (plain http at a name)', async () => {
    await registerPostPage(session.server);
    // A name that is not loopback, served over http: not a secure context.
    const browser = await launchChromium(['--host-resolver-rules=MAP colloquy.test 127.0.0.1']);
    try {
      const page = await browser!.newPage();
      const address = `http://colloquy.test:${new URL(session.server.url).port}/posts/${slug}`;
      const assets: string[] = [];
      page.on('request', (request) => assets.push(new URL(request.url()).pathname));
      await page.goto(address);
      await threadHydrated(page);
      expect(await page.evaluate(() => [window.isSecureContext, typeof crypto.subtle])).toEqual([
        false,
        'undefined',
      ]);
      const fallback = (paths: string[]) =>
        paths.filter((p) => /^\/assets\/sha2-[\w-]+\.js$/.test(p));
      // Nothing hashed yet, nothing loaded for it.
      expect(fallback(assets)).toEqual([]);

      const requests = recordGraphQL(page);
      await page.getByRole('link', { name: 'Newer comments' }).click();
      await expect.poll(() => topLevelTexts(page)).toEqual(range(1, TOTAL));
      expect(fallback(assets)).toHaveLength(1);
      const calls = await Promise.all(requests.map(graphqlCall));
      expect(calls.map((c) => [c.method, c.operationName, c.hash, c.query, c.status])).toEqual([
        ['GET', 'PostPage', POST_PAGE_HASH, undefined, 200],
      ]);
    } finally {
      await browser?.close();
    }
  });
  it('goes from a later page back to the first within the app', async () => {
    const page = session.page;
    await page.goto(`${session.server.url}/posts/${slug}`);
    const newer = await page.getByRole('link', { name: 'Newer comments' }).getAttribute('href');
    await page.goto(new URL(newer!, session.server.url).href);
    await threadHydrated(page);
    expect(await topLevelTexts(page)).toEqual(range(PAGE_SIZE + 1, TOTAL));

    await page.evaluate(() => {
      (window as unknown as { longThreadMarker: string }).longThreadMarker = 'same document';
    });
    await Promise.all([
      page.waitForURL(`**/posts/${slug}#comments`),
      page.getByRole('link', { name: '← First comments' }).click(),
    ]);
    // The first page, not the later one the app read before.
    await expect.poll(() => topLevelTexts(page)).toEqual(range(1, PAGE_SIZE));
    expect(await page.getByRole('link', { name: 'Newer comments' }).count()).toBe(1);
    expect(
      await page.evaluate(
        () => (window as unknown as { longThreadMarker?: string }).longThreadMarker,
      ),
    ).toBe('same document');
  });
});

describe('a thread longer than one page, without JavaScript', () => {
  it('opens the newer comments as a page of their own and links back', async () => {
    const page = await pageWithoutJavaScript();
    await page.goto(`${session.server.url}/posts/${slug}`);
    expect(await page.evaluate(() => '__VUE__' in window)).toBe(false);
    expect(await topLevelTexts(page)).toEqual(range(1, PAGE_SIZE));
    expect(await page.getByRole('link', { name: '← First comments' }).count()).toBe(0);

    await Promise.all([
      page.waitForURL(/\?comments=[^&#]+#comments$/),
      page.getByRole('link', { name: 'Newer comments' }).click(),
    ]);
    expect(await topLevelTexts(page)).toEqual(range(PAGE_SIZE + 1, TOTAL));
    expect(await page.locator('main').innerText()).not.toContain(text(1));
    expect(await page.getByRole('link', { name: 'Newer comments' }).count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain(REPLY_TEXT);

    await Promise.all([
      page.waitForURL(`**/posts/${slug}#comments`),
      page.getByRole('link', { name: '← First comments' }).click(),
    ]);
    expect(await topLevelTexts(page)).toEqual(range(1, PAGE_SIZE));
  });

  it('replies on the later page and comes back to it', async () => {
    const page = await pageWithoutJavaScript();
    await page.goto(`${session.server.url}/posts/${slug}`);
    const newer = await page.getByRole('link', { name: 'Newer comments' }).getAttribute('href');
    const cursor = new URL(newer!, session.server.url).searchParams.get('comments')!;
    await page.goto(new URL(newer!, session.server.url).href);

    const target = 54;
    await Promise.all([
      page.waitForURL((url) => url.searchParams.has('replytocom')),
      page.getByRole('link', { name: `Reply to ${author(target)}` }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('comments')).toBe(cursor);
    // Still the later page, the one form under that comment.
    expect(await topLevelTexts(page)).toEqual(range(PAGE_SIZE + 1, TOTAL));
    const parent = page.locator('#comments > ol.comment-list > li').nth(target - PAGE_SIZE - 1);
    expect(await parent.locator(':scope > article .comment__content').innerText()).toContain(
      text(target),
    );
    expect(await page.locator('form').count()).toBe(1);
    expect(await parent.locator('form').count()).toBe(1);
    expect(await parent.getByText(`Replying to ${author(target)}`).count()).toBe(1);

    const reply = 'A reply on the second page, sent without JavaScript.';
    await fillComment(page, {
      content: reply,
      authorName: 'Paige Two',
      authorEmail: 'paige@example.org',
    });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Post Comment' }).click(),
    ]);
    await page.waitForLoadState('load');
    expect(response.status()).toBe(303);
    const url = new URL(page.url());
    expect(url.searchParams.get('comments')).toBe(cursor);
    expect(url.searchParams.has('replytocom')).toBe(false);
    expect(url.hash).toMatch(/^#comment-\d+$/);

    expect(await topLevelTexts(page)).toEqual(range(PAGE_SIZE + 1, TOTAL));
    const shown = page.locator(`[id="${url.hash.slice(1)}"]`);
    expect(await shown.innerText()).toContain(reply);
    expect(await shown.innerText()).toContain('Your comment is awaiting moderation.');
    expect(await parent.locator('ol.comment-list--replies > li.comment--pending').count()).toBe(1);
    expect(await parent.locator('form').count()).toBe(0);
  });
});
