import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { updateDiscussionSettings } from './admin.js';
import { axeViolations, axeViolationsWithoutJavaScript, describeViolations } from './axe.js';
import { fillComment, hydrated, SLUG, TITLE } from './reader.js';
import { useBrowserSession } from './session.js';

// axe-core's default rules on each kind of reader page, as a reader with
// JavaScript has it (hydrated) and as one without (the server's HTML alone).

const session = useBrowserSession();

beforeAll(async () => {
  // Every comment here comes from 127.0.0.1: no waiting between them.
  if (session.server)
    await updateDiscussionSettings(session.server, { minSecondsBetweenComments: 0 });
});

const MODES = [
  { name: 'with JavaScript', javaScript: true },
  { name: 'without JavaScript', javaScript: false },
] as const;

describe.each(MODES)('axe on the reader pages $name', ({ javaScript }) => {
  let visitor = 0;

  async function open(path: string): Promise<Page> {
    const page = javaScript
      ? session.page
      : await (await session.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${session.server.url}${path}`);
    if (javaScript) await hydrated(page);
    return page;
  }

  async function expectNoViolations(page: Page): Promise<void> {
    const violations = javaScript
      ? await axeViolations(page)
      : await axeViolationsWithoutJavaScript(page, session.context);
    expect(describeViolations(violations)).toEqual([]);
  }

  async function submit(page: Page, fields: Parameters<typeof fillComment>[1]): Promise<void> {
    await fillComment(page, fields);
    await page.getByRole('button', { name: 'Post Comment' }).click();
  }

  it('the home page', async () => {
    const page = await open('/');
    expect(await page.getByRole('link', { name: TITLE }).count()).toBe(1);
    await expectNoViolations(page);
  });

  it('the post page', async () => {
    const page = await open(`/posts/${SLUG}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
    await expectNoViolations(page);
  });

  it('the post page with the reply form under a comment', async () => {
    const page = await open(`/posts/${SLUG}?replytocom=1#respond`);
    expect(
      await page
        .locator('#comment-1')
        .getByText(/Replying to/)
        .count(),
    ).toBe(1);
    await expectNoViolations(page);
  });

  it('the post page with an own comment awaiting moderation', async () => {
    const page = await open(`/posts/${SLUG}`);
    visitor += 1;
    const content = `Pending comment ${visitor} ${javaScript ? 'with' : 'without'} JavaScript.`;
    await submit(page, {
      content,
      authorName: `Axe Visitor ${visitor}`,
      authorEmail: `axe-${javaScript ? 'js' : 'nojs'}-${visitor}@example.org`,
    });
    const pending = page.locator('.comment--pending');
    await expect.poll(() => pending.innerText()).toContain(content);
    expect(await pending.innerText()).toContain('Your comment is awaiting moderation.');
    await expectNoViolations(page);
  });

  it('the post page with errors at the form', async () => {
    const page = await open(`/posts/${SLUG}`);
    await submit(page, { content: 'No email with this one.', authorName: 'Axe Forgetful' });
    const email = page.getByLabel(/^Email/);
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    await expectNoViolations(page);
  });

  it('the not-found page', async () => {
    const page = await open('/posts/no-such-post');
    await expect.poll(() => page.getByRole('heading', { name: 'Page not found' }).count()).toBe(1);
    await expectNoViolations(page);
  });
});
