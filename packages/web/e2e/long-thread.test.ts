import type { Page, Request } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, graphql } from './admin.js';
import { fillComment, threadHydrated } from './reader.js';
import type { RunningServer } from './server.js';
import { useBrowserSession } from './session.js';

// A post with more top-level comments than one thread page holds (50): the
// "Newer comments" link appends the rest in place with JavaScript, and opens
// the next page (?comments=<cursor>) without it.

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
  it('appends the newer comments in place with one PostPage query', async () => {
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

    const requests: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/graphql') requests.push(request);
    });
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
    // One query for the next page, from the link's own cursor.
    const cursor = new URL(href!, address).searchParams.get('comments');
    expect(
      requests.map((r) => {
        const body = r.postDataJSON() as { operationName?: string; variables?: { after?: string } };
        return [body.operationName, body.variables?.after];
      }),
    ).toEqual([['PostPage', cursor]]);
    expect(errors).toEqual([]);
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
