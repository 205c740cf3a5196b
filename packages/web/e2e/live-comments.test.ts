import { describe, expect, it } from 'vitest';
import { adminToken, graphql } from './admin.js';
import { useBrowserSession } from './session.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status comment { id } } }`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateComments(ids: $ids, status: $status) { errors { code } } }`;

const session = useBrowserSession();

describe('live comments in Chromium', () => {
  it('offers a comment approved while the page is open, and shows it in the thread on click, without a reload', async () => {
    const { page, server } = session;
    const token = await adminToken(server);
    let subscribed = false;
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        if (String(payload).includes('"subscribe"')) subscribed = true;
      });
    });
    let loads = 0;
    page.on('load', () => loads++);

    await page.goto(`${server.url}/posts/${SLUG}`);
    await page.locator('#comments').scrollIntoViewIfNeeded();
    await page.locator('#comments[data-interactive]').waitFor();
    await expect.poll(() => subscribed, { timeout: 10_000 }).toBe(true);

    // A new commenter: held for moderation, then approved by an editor elsewhere.
    const text = 'Approved while you were reading, shown when you ask.';
    const submitted = await graphql<{ submitComment: { status: string; comment: { id: string } } }>(
      server,
      SUBMIT,
      {
        input: {
          postId: '1',
          authorName: 'Live Reader',
          authorEmail: 'live.reader@example.org',
          content: text,
        },
      },
    );
    expect(submitted.submitComment.status).toBe('PENDING');
    await graphql(
      server,
      MODERATE,
      { ids: [submitted.submitComment.comment.id], status: 'APPROVED' },
      token,
    );

    const button = page.getByRole('button', { name: '1 new comment — show' });
    await button.waitFor();
    expect(await page.locator('main').innerText()).not.toContain(text);
    expect(await button.evaluate((b) => b.closest('[aria-live]')?.getAttribute('aria-live'))).toBe(
      'polite',
    );
    await button.click();

    const items = page.locator('#comments > ol.comment-list > li');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.last().innerText()).toContain(text);
    expect(await items.last().innerText()).not.toContain('awaiting moderation');
    await expect.poll(() => page.getByRole('heading', { name: '2 Comments' }).count()).toBe(1);
    expect(await button.count()).toBe(0);
    expect(loads).toBe(1);
  });
});
