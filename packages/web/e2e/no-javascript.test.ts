import type { Page, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { updateDiscussionSettings } from './admin.js';
import { fillComment, SEED_COMMENTER, SLUG, TITLE } from './reader.js';
import { useBrowserSession } from './session.js';

// A reader without JavaScript: the server's HTML, links and the comment
// form's own POST to the post's address (303 to the comment, or 422 with the
// errors at their fields).

const session = useBrowserSession({ javaScriptEnabled: false });

beforeAll(async () => {
  // Every comment here comes from 127.0.0.1: no waiting between them.
  if (session.server)
    await updateDiscussionSettings(session.server, { minSecondsBetweenComments: 0 });
});

const POST = () => `${session.server.url}/posts/${SLUG}`;

/** Sends the form with its button and resolves with the answer to the POST itself. */
async function send(page: Page): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Post Comment' }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** The comment the page's address points at (`#comment-<id>`). */
function targetComment(page: Page) {
  const id = /#comment-(\d+)$/.exec(page.url())?.[1];
  expect(id, `not at a comment: ${page.url()}`).toBeDefined();
  return page.locator(`[id="comment-${id}"]`);
}

describe('the seed post without JavaScript', () => {
  it('reads the post, its comment and its pingbacks from the HTML alone', async () => {
    const response = await session.page.goto(POST());
    expect(response?.status()).toBe(200);
    // No script ran: the app never loaded.
    expect(await session.page.evaluate(() => '__VUE__' in window)).toBe(false);
    expect(await session.page.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
    const main = await session.page.locator('main').innerText();
    expect(main).toContain('Today was our first ever social media surgery');
    expect(main).toContain('Hopefully the start of something good.');
    expect(await session.page.getByRole('heading', { name: '1 Comment' }).count()).toBe(1);
    expect(await session.page.locator('#comment-1').innerText()).toContain(
      'Sound pretty much like a Social Media Surgery to me',
    );
    expect(await session.page.getByRole('heading', { name: 'Trackbacks/Pingbacks' }).count()).toBe(
      1,
    );
    expect(main).toContain('blogged about here by the lovely @victoriabetton');
    expect(main).toContain('Not a jolly | The Sociable Organisation');
    const form = session.page.locator('form');
    expect(await form.getAttribute('method')).toBe('post');
    expect(await form.getAttribute('action')).toBe(`/posts/${SLUG}#respond`);
  });

  it('posts a comment and lands on it, awaiting moderation', async () => {
    const page = session.page;
    await page.goto(POST());
    const text = 'Posted without JavaScript, by the form alone.';
    await fillComment(page, {
      content: text,
      authorName: 'Noel Script',
      authorEmail: 'noel@example.org',
    });
    const response = await send(page);
    expect(response.status()).toBe(303);
    expect(page.url()).toMatch(new RegExp(`/posts/${SLUG}#comment-\\d+$`));

    const comment = targetComment(page);
    const shown = await comment.innerText();
    expect(shown).toContain(text);
    expect(shown).toContain('Noel Script');
    expect(shown).toContain('Your comment is awaiting moderation.');
    // Awaiting moderation: not counted, not yet answerable.
    expect(await page.getByRole('heading', { name: '1 Comment' }).count()).toBe(1);
    expect(await comment.getByRole('link', { name: /^Reply/ }).count()).toBe(0);
    // The form is back empty at the bottom for the next comment.
    expect(await page.getByLabel(/^Comment/).inputValue()).toBe('');
  });

  it('replies through the Reply link and shows the reply under its parent', async () => {
    const page = session.page;
    await page.goto(POST());
    await Promise.all([
      page.waitForURL(`**/posts/${SLUG}?replytocom=1#respond`),
      page.getByRole('link', { name: `Reply to ${SEED_COMMENTER}` }).click(),
    ]);
    const parent = page.locator('#comment-1');
    expect(await parent.getByText(`Replying to ${SEED_COMMENTER}`).count()).toBe(1);
    // The one form, under the comment, posting the parent with it.
    expect(await page.locator('form').count()).toBe(1);
    const form = parent.locator('form');
    expect(await form.count()).toBe(1);
    expect(await form.locator('input[name="parent_id"]').inputValue()).toBe('1');
    expect(await parent.getByRole('link', { name: 'Cancel reply' }).getAttribute('href')).toBe(
      `/posts/${SLUG}#respond`,
    );

    const text = 'A reply without JavaScript: the surgery sounds grand.';
    await fillComment(page, {
      content: text,
      authorName: 'Rhea Plain',
      authorEmail: 'rhea@example.org',
    });
    const response = await send(page);
    expect(response.status()).toBe(303);
    const reply = targetComment(page);
    // Under its parent, in the parent's replies.
    expect(
      await page.locator('#comment-1 > ol.comment-list--replies > li.comment--pending').count(),
    ).toBe(1);
    expect(await reply.evaluate((li) => li.parentElement?.closest('li')?.id)).toBe('comment-1');
    expect(await reply.innerText()).toContain(text);
    expect(await reply.innerText()).toContain('Your comment is awaiting moderation.');
    // Back to a new comment: no form under the parent any more.
    expect(await parent.locator('form').count()).toBe(0);
    expect(page.url()).not.toContain('replytocom');
  });

  it('cancels a reply through the Cancel reply link', async () => {
    const page = session.page;
    await page.goto(`${POST()}?replytocom=1#respond`);
    await Promise.all([
      page.waitForURL(`**/posts/${SLUG}#respond`),
      page.getByRole('link', { name: 'Cancel reply' }).click(),
    ]);
    expect(await page.locator('#comment-1 form').count()).toBe(0);
    expect(await page.locator('form').count()).toBe(1);
    expect(await page.getByText(/Replying to/).count()).toBe(0);
  });

  it('shows a missing email at its field and keeps what was typed', async () => {
    const page = session.page;
    await page.goto(POST());
    const text = 'Kept when the form comes back.';
    await fillComment(page, { content: text, authorName: 'Forgetful Fay' });
    const response = await send(page);
    expect(response.status()).toBe(422);

    const email = page.getByLabel(/^Email/);
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    const messages = await Promise.all(
      describedBy
        .split(' ')
        .filter(Boolean)
        .map((id) => page.locator(`[id="${id}"]`).innerText()),
    );
    expect(messages.join('\n')).toMatch(/email/i);
    // Only the email is at fault.
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(1);
    expect(await page.getByLabel(/^Comment/).inputValue()).toBe(text);
    expect(await page.getByLabel(/^Name/).inputValue()).toBe('Forgetful Fay');
    // Nothing was stored.
    expect(await page.locator('.comment--pending').count()).toBe(0);

    // Sent again with the email, it goes through.
    await page.getByLabel(/^Email/).fill('fay@example.org');
    expect((await send(page)).status()).toBe(303);
    expect(await targetComment(page).innerText()).toContain(text);
  });

  it('shows pending comments to their author only', async () => {
    const page = session.page;
    await page.goto(POST());
    const text = 'Only I should see this until it is approved.';
    await fillComment(page, {
      content: text,
      authorName: 'Private Pat',
      authorEmail: 'pat@example.org',
    });
    expect((await send(page)).status()).toBe(303);
    const cookie = (await session.context.cookies()).find((c) => c.name === 'colloquy_pending');
    expect(cookie).toMatchObject({ path: '/posts/', httpOnly: true, sameSite: 'Lax' });

    // The author sees it on a later visit too.
    await page.goto(POST());
    expect(await page.locator('main').innerText()).toContain(text);

    // A second visitor does not, nor anyone else's pending comment.
    const other = await (await session.newContext()).newPage();
    await other.goto(POST());
    expect(await other.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
    expect(await other.locator('.comment--pending').count()).toBe(0);
    const main = await other.locator('main').innerText();
    expect(main).not.toContain(text);
    expect(main).not.toContain('awaiting moderation');
    expect(await other.getByRole('heading', { name: '1 Comment' }).count()).toBe(1);
  });
});
