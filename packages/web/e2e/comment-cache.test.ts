import { describe, expect, it } from 'vitest';
import { useBrowserSession } from './session.js';

// A server of its own: a fresh database, so no earlier test's comment from
// this address makes the server refuse this one as too soon (RATE_LIMITED).

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

const session = useBrowserSession();

describe('a new comment in Chromium', () => {
  it('shows an approved comment in the thread and the count at once, without loading the page again', async () => {
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    await expect
      .poll(() => session.page.getByRole('heading', { name: '1 Comment' }).count())
      .toBe(1);
    const operations: string[] = [];
    session.page.on('request', (request) => {
      const body = request.postData();
      if (request.url().includes('/graphql'))
        operations.push(/"operationName":"(\w+)"/.exec(body ?? '')?.[1] ?? request.url());
    });

    // The seed's commenter has an approved comment already, so this one is approved too.
    const text = 'Glad it went well, see you at the next surgery.';
    await session.page.getByLabel(/^Comment/).fill(text);
    await session.page.getByLabel(/^Name/).fill('Sam Hughes');
    await session.page.getByLabel(/^Email/).fill('sam.hughes@example.org');
    await session.page.getByRole('button', { name: 'Post Comment' }).click();

    await expect
      .poll(() => session.page.getByRole('heading', { name: '2 Comments' }).count())
      .toBe(1);
    const items = session.page.locator('#comments > ol.comment-list > li');
    expect(await items.count()).toBe(2);
    expect(await items.last().innerText()).toContain(text);
    expect(await items.last().innerText()).not.toContain('awaiting moderation');
    expect(operations).toEqual(['SubmitComment']);

    // Stored and published: another reader sees it too.
    const other = await session.page.context().newPage();
    await other.goto(`${session.server.url}/posts/${SLUG}`);
    await expect.poll(() => other.getByRole('heading', { name: '2 Comments' }).count()).toBe(1);
    expect(await other.locator('main').innerText()).toContain(text);
  });
});
