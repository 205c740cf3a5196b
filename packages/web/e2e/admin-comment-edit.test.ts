// Replying and editing from the desk's comment queue, in Chromium against the
// built server: an ADMIN replies to an approved comment and readers see the
// reply; an edit of the name, website and text shows in place and on the
// post; a refused edit says why at each field and changes nothing; the
// r and e keys open the forms; an AUTHOR approves and replies on their own
// post, marked as by the post's author.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  adminUser,
  createUser,
  graphql,
  signInToken,
  updateDiscussionSettings,
  type TestUser,
} from './admin.js';
import {
  expectNoAxeViolations,
  openDesk,
  publishedPost,
  seedPostId,
  submitComment,
} from './desk.js';
import { SLUG, threadHydrated } from './reader.js';
import type { RunningServer } from './server.js';
import { useBrowserSession } from './session.js';

interface ApiComment {
  id: string;
  status: string;
  parentId: string | null;
  authorName: string;
  authorUrl: string | null;
  contentText: string;
  byPostAuthor: boolean;
}

/** The comments matching `search`, asked of the API as `token`'s user, oldest first. */
async function commentsLike(
  server: RunningServer,
  token: string,
  search: string,
): Promise<ApiComment[]> {
  const data = await graphql<{ comments: { edges: { node: ApiComment }[] } }>(
    server,
    `
      query ($search: String) {
        comments(search: $search, first: 50) {
          edges {
            node {
              id
              status
              parentId
              authorName
              authorUrl
              contentText
              byPostAuthor
            }
          }
        }
      }
    `,
    { search },
    token,
  );
  return data.comments.edges.map((e) => e.node).reverse();
}

async function approve(server: RunningServer, token: string, id: string): Promise<void> {
  await graphql(
    server,
    'mutation ($ids: [ID!]!) { moderateComments(ids: $ids, status: APPROVED) { errors { message } } }',
    { ids: [id] },
    token,
  );
}

/** The server's HTML of a post page, as a crawler (or a reader without JavaScript) gets it. */
async function postHtml(server: RunningServer, slug: string): Promise<string> {
  const response = await fetch(`${server.url}/posts/${slug}`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The reader's page of a post, hydrated, with its thread live. */
async function readerPage(page: Page, server: RunningServer, slug: string): Promise<Page> {
  const reader = await page.context().newPage();
  await reader.goto(`${server.url}/posts/${slug}`);
  await threadHydrated(reader);
  return reader;
}

const activeLabel = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.id ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '') : '';
  });
const activeText = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText.trim() ?? '');

describe('replying and editing in the comment queue', () => {
  const session = useBrowserSession();
  let token: string;
  let seedId: string;
  let admin: TestUser;
  let author: TestUser;

  beforeAll(async () => {
    const server = session.server;
    if (!server) return;
    await updateDiscussionSettings(server, { minSecondsBetweenComments: 0 });
    admin = await adminUser(server);
    token = await adminToken(server);
    seedId = await seedPostId(server, SLUG);
    author = await createUser(server, 'author', 'e2e-author@example.org', 'Arthur Author');
  });

  it('as an ADMIN: replies to an approved comment; the reply is in the queue at once and on the post', async () => {
    const { page, server } = session;
    const parentId = await submitComment(server, seedId, 'Rita Reader', 'A question (reply-test)?');
    await approve(server, token, parentId);
    await openDesk(page, server, admin, '/admin/comments?status=APPROVED&q=reply-test');
    const row = page.locator(`[data-comment-id="${parentId}"]`);
    await row.waitFor();

    // The form opens with focus in it; Escape closes it, and focus is back on Reply.
    const reply = row.getByRole('button', { name: 'Reply', exact: true });
    await reply.click();
    await expect.poll(() => activeLabel(page)).toBe('Your reply to Rita Reader *');
    expect(await reply.getAttribute('aria-expanded')).toBe('true');
    await expectNoAxeViolations(page);
    // One form at a time: Edit closes the reply form, Reply the edit form.
    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    await expect
      .poll(() => page.locator('.adm-inline-form').getAttribute('aria-label'))
      .toBe('Edit the comment by Rita Reader');
    expect(await reply.getAttribute('aria-expanded')).toBe('false');
    await reply.click();
    await expect.poll(() => activeLabel(page)).toBe('Your reply to Rita Reader *');
    expect(await page.locator('.adm-inline-form').count()).toBe(1);
    await page.keyboard.press('Escape');
    await row.locator('form').waitFor({ state: 'detached' });
    await expect.poll(() => activeText(page)).toBe('Reply');

    // Nothing written: the API's words at the field.
    await reply.click();
    await row.getByRole('button', { name: 'Send' }).click();
    const field = row.getByLabel('Your reply to Rita Reader');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await row.locator('.adm-field__error').innerText()).toBe('Please write a comment.');
    await expectNoAxeViolations(page);

    await field.fill('Thanks for asking: the answer is yes (reply-test).');
    await row.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => page.getByRole('status').last().innerText())
      .toBe('Replied to Rita Reader: your reply is published.');
    await expect
      .poll(() => page.locator('.adm-comment__author').allInnerTexts())
      .toEqual(['E2E Admin', 'Rita Reader']);
    expect(await row.locator('form').count()).toBe(0);
    await expect.poll(() => activeText(page)).toBe('Reply');
    const stored = await commentsLike(server, token, 'reply-test');
    expect(stored.map((c) => [c.authorName, c.status, c.parentId])).toEqual([
      ['Rita Reader', 'APPROVED', null],
      ['E2E Admin', 'APPROVED', parentId],
    ]);
    // The admin did not write the seed post: not marked as its author's.
    expect(stored[1]!.byPostAuthor).toBe(false);

    // Readers see it under the comment it answers, in the server's HTML already.
    expect(await postHtml(server, SLUG)).toContain('Thanks for asking: the answer is yes');
    const reader = await readerPage(page, server, SLUG);
    const thread = reader.locator(`#comment-${parentId}`);
    expect(await thread.locator('.comment-list--replies').innerText()).toContain(
      'Thanks for asking: the answer is yes (reply-test).',
    );
    expect(await thread.locator('.comment__byline').count()).toBe(0);
  });

  it('as an ADMIN: edits a comment’s name, website and text in place; readers see the correction', async () => {
    const { page, server } = session;
    const id = await submitComment(server, seedId, 'Tpyo Tom', 'I cant spel (edit-test).');
    await approve(server, token, id);
    await openDesk(page, server, admin, '/admin/comments?status=APPROVED&q=edit-test');
    const row = page.locator(`[data-comment-id="${id}"]`);
    await row.waitFor();

    await row.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => activeLabel(page)).toBe('Name *');
    const name = row.getByLabel(/^Name/);
    const website = row.getByLabel(/^Website/);
    const text = row.getByLabel(/^Comment/);
    expect(await name.inputValue()).toBe('Tpyo Tom');
    expect(await website.inputValue()).toBe('');
    expect(await text.inputValue()).toBe('I cant spel (edit-test).');
    expect(await row.locator('form').innerText()).toContain(
      'The email address (tpyo.tom@example.org) cannot be changed.',
    );
    await expectNoAxeViolations(page);

    // Typing in the form is not a shortcut (a would approve, t trash).
    await name.fill('Typo Tom');
    await website.fill('https://tom.example.net/');
    // Typed key by key: its a, s, t, r and e stay in the text.
    await text.fill('');
    await page.keyboard.type('I can’t spell,');
    await page.keyboard.press('Enter');
    await page.keyboard.type('but I can edit (edit-test).');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByRole('status').last().innerText())
      .toBe('Saved the comment by Typo Tom.');
    expect(await row.locator('form').count()).toBe(0);
    expect(await row.locator('.adm-comment__author').innerText()).toBe('Typo Tom');
    expect(await row.locator('.adm-comment__content').innerText()).toContain(
      'but I can edit (edit-test).',
    );
    expect(await row.locator('.adm-private').innerText()).toContain('https://tom.example.net/');
    await expect.poll(() => activeText(page)).toBe('Edit');
    const [stored] = await commentsLike(server, token, 'edit-test');
    expect(stored).toMatchObject({
      authorName: 'Typo Tom',
      authorUrl: 'https://tom.example.net/',
      contentText: 'I can’t spell,\nbut I can edit (edit-test).',
      status: 'APPROVED',
    });

    const html = await postHtml(server, SLUG);
    expect(html).toContain('Typo Tom');
    expect(html).not.toContain('I cant spel');
    const reader = await readerPage(page, server, SLUG);
    const comment = reader.locator(`#comment-${id}`);
    expect(await comment.locator('.comment__content').innerText()).toBe(
      'I can’t spell,\nbut I can edit (edit-test).',
    );
    expect(
      await comment.getByRole('link', { name: 'Typo Tom', exact: true }).getAttribute('href'),
    ).toBe('https://tom.example.net/');
  });

  it('as an ADMIN: a refused edit says why at each field and changes nothing', async () => {
    const { page, server } = session;
    const id = await submitComment(server, seedId, 'Kept Kate', 'Keep me as I am (refused-test).');
    await openDesk(page, server, admin, '/admin/comments?q=refused-test');
    const row = page.locator(`[data-comment-id="${id}"]`);
    await row.waitFor();

    // From the keyboard: e opens the current comment's edit form.
    await page.keyboard.press('e');
    await expect.poll(() => activeLabel(page)).toBe('Name *');
    await row.getByLabel(/^Website/).fill('not a web address');
    await row.getByLabel(/^Comment/).fill('   ');
    await row.getByRole('button', { name: 'Save' }).click();
    const website = row.getByLabel(/^Website/);
    const text = row.getByLabel(/^Comment/);
    await expect.poll(() => text.getAttribute('aria-invalid')).toBe('true');
    expect(await website.getAttribute('aria-invalid')).toBe('true');
    expect(await row.getByLabel(/^Name/).getAttribute('aria-invalid')).toBeNull();
    const errors = await row.locator('.adm-field__error').allInnerTexts();
    expect(errors).toEqual([
      'Your website must be a full address starting with http:// or https://.',
      'Please write a comment.',
    ]);
    await expectNoAxeViolations(page);

    // Nothing changed: the queue shows the comment as it was, and so does the API.
    expect(await row.locator('.adm-comment__content').innerText()).toBe(
      'Keep me as I am (refused-test).',
    );
    const [stored] = await commentsLike(server, token, 'refused-test');
    expect(stored).toMatchObject({
      authorName: 'Kept Kate',
      authorUrl: null,
      contentText: 'Keep me as I am (refused-test).',
      status: 'PENDING',
    });

    // Escape cancels; r opens the reply form instead (a held comment: approved on the way).
    await text.press('Escape');
    await row.locator('form').waitFor({ state: 'detached' });
    await expect.poll(() => activeText(page)).toBe('Edit');
    await page.keyboard.press('r');
    await expect.poll(() => activeLabel(page)).toBe('Your reply to Kept Kate *');
    expect(await row.getByRole('button', { name: 'Approve and send' }).count()).toBe(1);
    // An empty reply is refused before the comment is approved.
    await row.getByRole('button', { name: 'Approve and send' }).click();
    await expect
      .poll(() => row.locator('.adm-field__error').innerText())
      .toBe('Please write a comment.');
    expect((await commentsLike(server, token, 'refused-test'))[0]!.status).toBe('PENDING');
  });

  it('as an AUTHOR: approves a held comment on their own post and replies, marked as by the post’s author', async () => {
    const { page, server } = session;
    const authorToken = await signInToken(server, author);
    const post = await publishedPost(server, authorToken, 'Arthur asks a question');
    const id = await submitComment(server, post.id, 'Quinn Query', 'Held for now (author-reply).');
    await openDesk(page, server, author, '/admin/comments?q=author-reply');
    const row = page.locator(`[data-comment-id="${id}"]`);
    await row.waitFor();

    await row.getByRole('button', { name: 'Approve and reply' }).click();
    const field = row.getByLabel('Your reply to Quinn Query');
    await expect.poll(() => activeLabel(page)).toBe('Your reply to Quinn Query *');
    expect(await row.locator('form').innerText()).toContain(
      'Published at once as Arthur Author, and their comment is approved first.',
    );
    await expectNoAxeViolations(page);
    await field.fill('Glad you came by (author-reply).');
    await row.getByRole('button', { name: 'Approve and send' }).click();
    await expect
      .poll(() => page.getByRole('status').last().innerText())
      .toBe('Approved, and replied to Quinn Query: your reply is published.');
    // Both are approved now: the held list is empty, the Approved tab has both.
    await expect.poll(() => page.locator('.adm-comment').count()).toBe(0);
    const stored = await commentsLike(server, authorToken, 'author-reply');
    expect(stored.map((c) => [c.authorName, c.status, c.byPostAuthor])).toEqual([
      ['Quinn Query', 'APPROVED', false],
      ['Arthur Author', 'APPROVED', true],
    ]);
    await page.locator('[data-tab="APPROVED"]').click();
    const mine = page.locator('.adm-comment', { hasText: 'Glad you came by' });
    await mine.waitFor();
    expect(await mine.locator('.adm-badge').allInnerTexts()).toEqual([
      'approved',
      'by the post’s author',
    ]);
    await expectNoAxeViolations(page);

    const html = await postHtml(server, post.slug);
    expect(html).toContain('Glad you came by (author-reply).');
    const reader = await readerPage(page, server, post.slug);
    const reply = reader.locator(`#comment-${id} .comment-list--replies .comment`);
    expect(await reply.locator('.comment__author').innerText()).toBe('Arthur Author');
    expect(await reply.locator('.comment__byline').innerText()).toBe('Post author');
  });
});
