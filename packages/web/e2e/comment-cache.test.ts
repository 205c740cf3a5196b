import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startColloquy, type RunningServer } from './server.js';

// A server of its own: a fresh database, so no earlier test's comment from
// this address makes the server refuse this one as too soon (RATE_LIMITED).

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

let server: RunningServer;
let browser: Browser | null;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  if (browser) server = await startColloquy();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async (ctx) => {
  if (!browser) return ctx.skip();
  const context = await browser.newContext();
  page = await context.newPage();
  return async () => {
    await context.close();
  };
});

describe('a new comment in Chromium', () => {
  it('shows an approved comment in the thread and the count at once, without loading the page again', async () => {
    await page.goto(`${server.url}/posts/${SLUG}`);
    await expect.poll(() => page.getByRole('heading', { name: '1 Comment' }).count()).toBe(1);
    const operations: string[] = [];
    page.on('request', (request) => {
      const body = request.postData();
      if (request.url().includes('/graphql'))
        operations.push(/"operationName":"(\w+)"/.exec(body ?? '')?.[1] ?? request.url());
    });

    // The seed's commenter has an approved comment already, so this one is approved too.
    const text = 'Glad it went well, see you at the next surgery.';
    await page.getByLabel(/^Comment/).fill(text);
    await page.getByLabel(/^Name/).fill('Sam Hughes');
    await page.getByLabel(/^Email/).fill('sam.hughes@example.org');
    await page.getByRole('button', { name: 'Post Comment' }).click();

    await expect.poll(() => page.getByRole('heading', { name: '2 Comments' }).count()).toBe(1);
    const items = page.locator('#comments > ol.comment-list > li');
    expect(await items.count()).toBe(2);
    expect(await items.last().innerText()).toContain(text);
    expect(await items.last().innerText()).not.toContain('awaiting moderation');
    expect(operations).toEqual(['SubmitComment']);

    // Stored and published: another reader sees it too.
    const other = await page.context().newPage();
    await other.goto(`${server.url}/posts/${SLUG}`);
    await expect.poll(() => other.getByRole('heading', { name: '2 Comments' }).count()).toBe(1);
    expect(await other.locator('main').innerText()).toContain(text);
  });
});
