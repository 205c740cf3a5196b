import type { ConsoleMessage, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillComment, hydrated, SEED_COMMENTER, SLUG, threadHydrated, TITLE } from './reader.js';
import { useBrowserSession } from './session.js';

// With JavaScript: the server's HTML hydrates without a warning and without
// asking the API again; after that, the page is the app (Reply opens its form
// in place, a reply is sent with GraphQL and shown without a reload).

const session = useBrowserSession();

/** What the page said while loading: console errors and warnings, uncaught errors. */
function listen(page: Page) {
  const problems: string[] = [];
  const graphql: string[] = [];
  const messages: ConsoleMessage[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') messages.push(message);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql')
      graphql.push(`${request.method()} ${request.postData() ?? request.url()}`);
  });
  return {
    graphql,
    /** Everything but `expected` (a message the browser itself logs for the document). */
    problems(expected?: { text: string; url: string }) {
      const logged = messages
        .filter(
          (m) => !(expected && m.text() === expected.text && m.location().url === expected.url),
        )
        .map((m) => `console.${m.type()}: ${m.text()} (${m.location().url})`);
      return [...problems, ...logged];
    },
  };
}

/** Loads a page and waits for its network to go quiet and the app to hydrate. */
async function load(page: Page, path: string) {
  const response = await page.goto(`${session.server.url}${path}`, { waitUntil: 'networkidle' });
  await hydrated(page);
  return response;
}

const NOT_FOUND_LOG =
  'Failed to load resource: the server responded with a status of 404 (Not Found)';

describe('reader pages hydrate in Chromium', () => {
  const pages: {
    name: string;
    path: string;
    status: number;
    content: (page: Page) => Promise<void>;
  }[] = [
    {
      name: 'the home page',
      path: '/',
      status: 200,
      content: async (page) => {
        expect(await page.getByRole('link', { name: TITLE }).count()).toBe(1);
      },
    },
    {
      name: 'a tag page',
      path: '/tag/smsmhealth',
      status: 200,
      content: async (page) => {
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
          'Posts tagged “smsmhealth”',
        );
        expect(await page.getByRole('link', { name: TITLE }).count()).toBe(1);
      },
    },
    {
      name: 'the post page',
      path: `/posts/${SLUG}`,
      status: 200,
      content: async (page) => {
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
        const main = await page.locator('main').innerText();
        expect(main).toContain('Today was our first ever social media surgery');
        expect(main).toContain('Sound pretty much like a Social Media Surgery to me');
        expect(await page.getByRole('heading', { name: 'Trackbacks/Pingbacks' }).count()).toBe(1);
        expect(await page.getByRole('button', { name: 'Post Comment' }).count()).toBe(1);
      },
    },
    {
      // The reply form, rendered by the server under the comment, hydrates as it is.
      name: 'the post page with a reply form open',
      path: `/posts/${SLUG}?replytocom=1`,
      status: 200,
      content: async (page) => {
        const comment = page.locator('#comment-1');
        expect(await comment.getByText(`Replying to ${SEED_COMMENTER}`).count()).toBe(1);
        expect(await comment.getByRole('button', { name: 'Post Comment' }).count()).toBe(1);
      },
    },
    {
      name: 'the not-found page',
      path: '/no/such/page',
      status: 404,
      content: async (page) => {
        expect(await page.getByRole('heading', { name: 'Page not found' }).count()).toBe(1);
      },
    },
  ];

  it.each(pages)(
    '$name: no warning, no error and no GraphQL request',
    async ({ path, status, content }) => {
      const log = listen(session.page);
      const response = await load(session.page, path);
      expect(response?.status()).toBe(status);
      await content(session.page);
      // The 404 document itself is logged by Chromium as a failed resource: only that is expected.
      const expected = status === 404 ? { text: NOT_FOUND_LOG, url: response!.url() } : undefined;
      expect(log.problems(expected)).toEqual([]);
      expect(log.graphql).toEqual([]);
    },
  );

  it('would see a hydration mismatch: the listener is not deaf', async () => {
    // The same page with its server HTML changed under the app: Vue says so.
    await session.page.route(`${session.server.url}/posts/${SLUG}`, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(`>${TITLE}</h1>`, '>Not the title</h1>');
      await route.fulfill({ response, body: html });
    });
    const log = listen(session.page);
    await load(session.page, `/posts/${SLUG}`);
    await expect
      .poll(() => log.problems().join('\n'))
      .toMatch(/Hydration completed but contains mismatches/);
  });

  it("loads the thread's code only as the thread comes into view", async () => {
    const page = session.page;
    await page.setViewportSize({ width: 1280, height: 720 });
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await load(page, `/posts/${SLUG}`);
    expect(scripts.some((path) => path.includes('CommentsSection'))).toBe(false);
    expect(await page.locator('#comments[data-interactive]').count()).toBe(0);
    // Until then the server's thread is there, as without JavaScript.
    expect(await page.locator('#comment-1').innerText()).toContain('Sam Hughes');

    await threadHydrated(page);
    expect(scripts.filter((path) => path.includes('CommentsSection'))).toHaveLength(1);
  });

  it('opens the reply form in place and shows the sent reply as awaiting moderation', async () => {
    const page = session.page;
    const log = listen(page);
    await load(page, `/posts/${SLUG}`);
    const address = page.url();
    // Survives only if the page is never loaded again.
    await page.evaluate(() => Object.assign(window, { __marker: 'same document' }));
    const marker = () =>
      page.evaluate(() => (window as unknown as { __marker?: string }).__marker ?? null);
    await threadHydrated(page);

    const reply = page.getByRole('link', { name: `Reply to ${SEED_COMMENTER}` });
    expect(await reply.getAttribute('href')).toBe(`/posts/${SLUG}?replytocom=1#respond`);
    expect(await reply.getAttribute('aria-expanded')).toBe('false');
    await reply.click();

    const parent = page.locator('#comment-1');
    await expect.poll(() => parent.getByText(`Replying to ${SEED_COMMENTER}`).count()).toBe(1);
    expect(await reply.getAttribute('aria-expanded')).toBe('true');
    // The one form moved under the comment, with the cursor in it.
    expect(await page.locator('form').count()).toBe(1);
    expect(await parent.locator('form').count()).toBe(1);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe('content');
    expect(page.url()).toBe(address);
    expect(await marker()).toBe('same document');
    expect(log.graphql).toEqual([]);

    const text = 'A reply sent with JavaScript, shown in place.';
    await fillComment(page, {
      content: text,
      authorName: 'Hydra Reader',
      authorEmail: 'hydra@example.org',
    });
    await page.getByRole('button', { name: 'Post Comment' }).click();

    const pending = parent.locator('ol.comment-list--replies > li.comment--pending');
    await expect.poll(() => pending.count()).toBe(1);
    expect(await pending.innerText()).toContain(text);
    expect(await pending.innerText()).toContain('Your comment is awaiting moderation.');
    // Only the mutation went out: no reload, no refetch, still the same document.
    expect(log.graphql).toHaveLength(1);
    expect(log.graphql[0]).toContain('"operationName":"SubmitComment"');
    // A mutation is a POST with its text, never a persisted query (src/browser-link.ts).
    expect(log.graphql[0]).toMatch(/^POST \{.*"query":"mutation SubmitComment/);
    expect(log.graphql[0]).not.toContain('persistedQuery');
    expect(page.url()).toBe(address);
    expect(await marker()).toBe('same document');
    // The form went back to the bottom, for a new comment.
    expect(await parent.locator('form').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Submit a Comment' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: '1 Comment' }).count()).toBe(1);
    expect(log.problems()).toEqual([]);
  });

  it('closes the reply form in place with Cancel reply', async () => {
    const page = session.page;
    await load(page, `/posts/${SLUG}`);
    const address = page.url();
    await page.evaluate(() => Object.assign(window, { __marker: 'same document' }));
    await threadHydrated(page);
    await page.getByRole('link', { name: `Reply to ${SEED_COMMENTER}` }).click();
    const cancel = page.getByRole('link', { name: 'Cancel reply' });
    await expect.poll(() => cancel.count()).toBe(1);
    expect(await cancel.getAttribute('href')).toBe(`/posts/${SLUG}#respond`);
    await cancel.click();
    await expect.poll(() => page.locator('#comment-1 form').count()).toBe(0);
    expect(await page.locator('form').count()).toBe(1);
    // Focus back on the Reply link that opened it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe('Reply');
    expect(page.url()).toBe(address);
    expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(
      'same document',
    );
  });
});
