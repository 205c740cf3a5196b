// The desk's comment moderation queue, in Chromium against the built server:
// an EDITOR approves a held comment and the reader sees it, spams three in
// bulk, works the queue from the keyboard; an AUTHOR sees only the comments
// on their own posts and is refused the admins' screens.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
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
  tabCount,
} from './desk.js';
import { SLUG, threadHydrated } from './reader.js';
import { useBrowserSession } from './session.js';

/** The authors' names of the comments in the queue, in order. */
function queueAuthors(page: Page): Promise<string[]> {
  return page.locator('.adm-comment__author').allInnerTexts();
}

/** The status of comments, asked of the API as `token`'s user. */
async function statuses(
  server: Parameters<typeof graphql>[0],
  token: string,
  search: string,
): Promise<string[]> {
  const data = await graphql<{ comments: { edges: { node: { status: string } }[] } }>(
    server,
    'query ($search: String) { comments(search: $search, first: 50) { edges { node { status } } } }',
    { search },
    token,
  );
  return data.comments.edges.map((e) => e.node.status).sort();
}

describe('the comment queue', () => {
  const session = useBrowserSession();
  let editor: TestUser;
  let author: TestUser;
  let editorToken: string;
  let seedId: string;

  beforeAll(async () => {
    const server = session.server;
    if (!server) return;
    // Every comment here comes from 127.0.0.1, one after another.
    await updateDiscussionSettings(server, { minSecondsBetweenComments: 0 });
    editor = await createUser(server, 'editor', 'e2e-editor@example.org', 'Edna Editor');
    author = await createUser(server, 'author', 'e2e-author@example.org', 'Arthur Author');
    editorToken = await signInToken(server, editor);
    seedId = await seedPostId(server, SLUG);
  });

  it('as an EDITOR: shows why a comment was held and who wrote it; approving it moves the counts at once, and readers see it', async () => {
    const { page, server } = session;
    await submitComment(server, seedId, 'Hana Held', 'A first comment, approval-test.');
    await openDesk(page, server, editor, '/admin/comments?q=approval-test');
    const row = page.locator('.adm-comment', { hasText: 'Hana Held' });
    await row.waitFor();
    expect(await row.locator('.adm-reason').innerText()).toBe(
      'Why it was held: held: no approved comment from this email yet',
    );
    const details = await row.locator('.adm-private').innerText();
    expect(details).toContain('hana.held@example.org');
    expect(details).toContain('127.0.0.1');
    expect(await tabCount(page, 'PENDING')).toBe('1');
    expect(await tabCount(page, 'APPROVED')).toBe('0');
    await expectNoAxeViolations(page);

    await row.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => queueAuthors(page)).toEqual([]);
    expect(await tabCount(page, 'PENDING')).toBe('0');
    expect(await tabCount(page, 'APPROVED')).toBe('1');
    await expect
      .poll(() => page.getByRole('status').last().innerText())
      .toBe('Approved: 1 comment.');
    expect(await page.locator('.adm-empty').innerText()).toBe('No comments match these filters.');

    // Kept: after a reload the API says the same.
    await page.reload();
    await page.locator('[data-tab="APPROVED"] .adm-count').waitFor();
    expect(await tabCount(page, 'PENDING')).toBe('0');
    expect(await tabCount(page, 'APPROVED')).toBe('1');

    const reader = await session.context.newPage();
    await reader.goto(`${server.url}/posts/${SLUG}`);
    await threadHydrated(reader);
    expect(await reader.locator('#comments').innerText()).toContain(
      'A first comment, approval-test.',
    );
  });

  it('as an EDITOR: spams three comments in bulk with "select all on this page"', async () => {
    const { page, server } = session;
    for (const name of ['Bulk One', 'Bulk Two', 'Bulk Three']) {
      await submitComment(server, seedId, name, `Buy cheap things, said ${name} (bulk-test).`);
    }
    await openDesk(page, server, editor, '/admin/comments?q=bulk-test');
    await expect.poll(() => queueAuthors(page)).toEqual(['Bulk Three', 'Bulk Two', 'Bulk One']);
    expect(await tabCount(page, 'PENDING')).toBe('3');

    await page.getByLabel('Select all on this page').check();
    expect(await page.locator('.adm-bulk').innerText()).toContain('3 selected');
    await page.getByRole('button', { name: 'Spam selected' }).click();
    await expect.poll(() => queueAuthors(page)).toEqual([]);
    expect(await tabCount(page, 'PENDING')).toBe('0');
    expect(await tabCount(page, 'SPAM')).toBe('3');
    await expect
      .poll(() => statuses(server, editorToken, 'bulk-test'))
      .toEqual(['SPAM', 'SPAM', 'SPAM']);

    // In the spam tab, they can be restored to the queue, and trashed, then deleted for good.
    await page.locator('[data-tab="SPAM"]').click();
    await expect.poll(() => queueAuthors(page)).toHaveLength(3);
    await expectNoAxeViolations(page);
    await page
      .locator('.adm-comment', { hasText: 'Bulk One' })
      .getByRole('button', { name: 'Trash' })
      .click();
    await expect.poll(() => queueAuthors(page)).toEqual(['Bulk Three', 'Bulk Two']);
    expect(await tabCount(page, 'TRASH')).toBe('1');
    await page.locator('[data-tab="TRASH"]').click();
    await expect.poll(() => queueAuthors(page)).toEqual(['Bulk One']);
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => queueAuthors(page)).toEqual([]);
    expect(await tabCount(page, 'TRASH')).toBe('0');
    await expect.poll(() => statuses(server, editorToken, 'bulk-test')).toEqual(['SPAM', 'SPAM']);
  });

  it('as an EDITOR: works the queue from the keyboard (j/k, a, s, t, u), with a help overlay', async () => {
    const { page, server } = session;
    for (const name of ['Key One', 'Key Two', 'Key Three']) {
      await submitComment(server, seedId, name, `A comment from ${name} (keys-test).`);
    }
    await openDesk(page, server, editor, '/admin/comments?q=keys-test');
    await expect.poll(() => queueAuthors(page)).toEqual(['Key Three', 'Key Two', 'Key One']);

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.innerText()).toContain('Mark as spam');
    // The shared keys, then the comment queue's own (r, e) after u.
    expect(await help.locator('kbd').allInnerTexts()).toEqual([
      'j',
      'k',
      'a',
      's',
      't',
      'u',
      'r',
      'e',
      'x',
      '?',
    ]);
    expect(await help.innerText()).toContain('Reply (a held comment is approved first)');
    await expectNoAxeViolations(page);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // The first is current: j moves to the second, k back; a approves the current one.
    await page.keyboard.press('j');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent))
      .toBe('Key Two');
    await page.keyboard.press('k');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent))
      .toBe('Key Three');
    await page.keyboard.press('a');
    await expect.poll(() => queueAuthors(page)).toEqual(['Key Two', 'Key One']);
    // The next comment is current now: s marks it as spam, t trashes the last.
    await page.keyboard.press('s');
    await expect.poll(() => queueAuthors(page)).toEqual(['Key One']);
    await page.keyboard.press('t');
    await expect.poll(() => queueAuthors(page)).toEqual([]);
    expect(await tabCount(page, 'APPROVED')).toBe('1');
    expect(await tabCount(page, 'SPAM')).toBe('1');
    expect(await tabCount(page, 'TRASH')).toBe('1');
    await expect
      .poll(() => statuses(server, editorToken, 'keys-test'))
      .toEqual(['APPROVED', 'SPAM', 'TRASH']);
    // In the approved ones, u unapproves the current one (holds it again, as
    // WordPress's u; in the spam or the trash it restores).
    await page.locator('[data-tab="APPROVED"]').click();
    await expect.poll(() => queueAuthors(page)).toEqual(['Key Three']);
    await page.keyboard.press('u');
    await expect.poll(() => queueAuthors(page)).toEqual([]);
    expect(await tabCount(page, 'PENDING')).toBe('1');
    await expect
      .poll(() => statuses(server, editorToken, 'keys-test'))
      .toEqual(['PENDING', 'SPAM', 'TRASH']);

    // Typing in the search box is not a shortcut.
    await page.getByLabel('Search').fill('a s t');
    expect(await page.getByLabel('Search').inputValue()).toBe('a s t');
  });

  it('as an EDITOR: shows a moderation before the API answers, and takes it back when the API cannot be reached', async () => {
    const { page, server } = session;
    await submitComment(server, seedId, 'Opti Mist', 'Shown at once (optimistic-test).');
    await openDesk(page, server, editor, '/admin/comments?q=optimistic-test');
    await expect.poll(() => queueAuthors(page)).toEqual(['Opti Mist']);

    // The mutation is held back until the list has been looked at, then let through.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/graphql', async (route) => {
      if (!(route.request().postData() ?? '').includes('ModerateComments')) return route.continue();
      await released;
      return route.continue();
    });
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    await expect.poll(() => queueAuthors(page)).toEqual([]);
    expect(await tabCount(page, 'TRASH')).toBe('1');
    expect(await statuses(server, editorToken, 'optimistic-test')).toEqual(['PENDING']);
    release();
    await expect.poll(() => statuses(server, editorToken, 'optimistic-test')).toEqual(['TRASH']);
    await page.unroute('**/graphql');

    // A refusal on the way: the comment comes back, the counts too, and the desk says why.
    await page.locator('[data-tab="TRASH"]').click();
    await expect.poll(() => queueAuthors(page)).toEqual(['Opti Mist']);
    await page.route('**/graphql', (route) =>
      (route.request().postData() ?? '').includes('ModerateComments')
        ? route.abort('connectionrefused')
        : route.continue(),
    );
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toBe('Could not reach the server: nothing was changed. Try again.');
    expect(await queueAuthors(page)).toEqual(['Opti Mist']);
    expect(await tabCount(page, 'TRASH')).toBe('1');
    expect(await tabCount(page, 'PENDING')).toBe('0');
    expect(await statuses(server, editorToken, 'optimistic-test')).toEqual(['TRASH']);
  });

  it('as an AUTHOR: only the comments on their own posts, with their private details; admins’ screens are refused', async () => {
    const { page, server } = session;
    const authorToken = await signInToken(server, author);
    const own = await publishedPost(server, authorToken, 'Arthur’s own post');
    await submitComment(server, own.id, 'Olive Own', 'On the author’s post (author-test).');
    await submitComment(server, seedId, 'Sid Seed', 'On someone else’s post (author-test).');

    await openDesk(page, server, author, '/admin/comments?q=author-test');
    await expect.poll(() => queueAuthors(page)).toEqual(['Olive Own']);
    expect(await tabCount(page, 'PENDING')).toBe('1');
    expect(await page.locator('.adm-private').innerText()).toContain('olive.own@example.org');
    // Their post is the only one to filter by.
    expect(await page.locator('#adm-queue-post option').allInnerTexts()).toEqual([
      'All posts',
      'Arthur’s own post',
    ]);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => queueAuthors(page)).toEqual([]);
    await expect.poll(() => statuses(server, authorToken, 'author-test')).toEqual(['APPROVED']);
    await expect
      .poll(() => statuses(server, editorToken, 'author-test'))
      .toEqual(['APPROVED', 'PENDING']);

    // No Site link, and the address itself says no; the API refuses anyway.
    expect(await page.getByRole('navigation', { name: 'Editor’s desk' }).innerText()).not.toContain(
      'Site',
    );
    await page.goto(`${server.url}/admin/site`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('you are signed in as author');
    await expectNoAxeViolations(page);
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${authorToken}` },
      body: JSON.stringify({
        query:
          'mutation { updateDiscussionSettings(input: { threadDepth: 3 }) { errors { code } } }',
      }),
    });
    const body = (await refused.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
