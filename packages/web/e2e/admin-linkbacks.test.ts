// The desk's linkback moderation queue, in Chromium against the built server.
// Linkbacks arrive as other blogs send them: a trackback (a form POST to the
// post's trackback URL) whose source, a page of a real local "blog" that
// links to the post, the server fetches to verify. New linkbacks are held
// (the default: linkbacks.auto_approve is off). An ADMIN approves one and
// the reader sees it, spams three in bulk, works the queue from the
// keyboard; an AUTHOR sees only the linkbacks of their own posts.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInToken, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk, publishedPost, tabCount } from './desk.js';
import {
  LOOPBACK_FETCH,
  queueTitles,
  sendTrackback,
  startSourceBlog,
  statuses,
  type SourceBlog,
} from './linkbacks.js';
import { useBrowserSession } from './session.js';

describe('the linkback queue', () => {
  const session = useBrowserSession({ serverEnv: LOOPBACK_FETCH });
  let admin: TestUser;
  let author: TestUser;
  let adminToken: string;
  // Each test's blog has a loopback address of its own: the server lets one
  // source host send 10 pings an hour, and every test blog is on this machine.
  let hosts = 10;
  let blog: SourceBlog | null = null;
  const newBlog = async () => (blog = await startSourceBlog(`127.0.0.${++hosts}`));
  afterEach(async () => {
    await blog?.close();
    blog = null;
  });

  /** Trackbacks from `blog` to `slug`, one per title, sent in order (the last is the newest). */
  async function trackbacks(slug: string, titles: string[], path = 'post'): Promise<void> {
    for (const [i, title] of titles.entries()) {
      await sendTrackback(session.server, blog!, slug, {
        path: `/${path}-${i + 1}`,
        title,
        excerpt: `${title}: an excerpt.`,
        blogName: 'A neighbour’s blog',
      });
    }
  }

  beforeAll(async () => {
    const server = session.server;
    if (!server) return;
    admin = await createUser(server, 'admin', 'e2e-linkbacks-admin@example.org', 'Ada Admin');
    author = await createUser(server, 'author', 'e2e-linkbacks-author@example.org', 'Arthur');
    adminToken = await signInToken(server, admin);
  });

  it('as an ADMIN: from the dashboard’s held count to the queue; shows what the linkback says as plain text; approving it moves the counts at once, and readers see it', async () => {
    const { page, server } = session;
    const post = await publishedPost(server, adminToken, 'A post others link to');
    await newBlog();
    await sendTrackback(server, blog!, post.slug, {
      path: '/rosa-reads',
      title: 'Rosa reads the post',
      excerpt: 'Fish &amp; chips, and &lt;b&gt;not bold&lt;/b&gt;: plain text.',
      blogName: 'Rosa’s <i>blog</i>',
    });
    const reader = await fetch(`${server.url}/posts/${post.slug}`).then((r) => r.text());
    expect(reader).not.toContain('Rosa reads the post');

    await openDesk(page, server, admin);
    const held = page.getByRole('link', { name: /held linkbacks/ });
    expect(await held.locator('[data-stat="held-linkbacks"]').innerText()).toBe('1');
    await held.click();
    await page.getByRole('heading', { name: 'Linkbacks', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      '/admin/linkbacks?status=PENDING',
    );
    expect(await page.getByRole('navigation', { name: 'Editor’s desk' }).innerText()).toContain(
      'Linkbacks',
    );
    await expect.poll(() => queueTitles(page)).toEqual(['Rosa reads the post']);

    // The post filter: this post's linkbacks only, in the address.
    await page.getByLabel('Post', { exact: true }).selectOption({ label: 'A post others link to' });
    await expect.poll(() => new URL(page.url()).searchParams.get('post')).toBe(post.id);
    await expect.poll(() => queueTitles(page)).toEqual(['Rosa reads the post']);

    const row = page.locator('.adm-linkback', { hasText: 'Rosa reads the post' });
    expect(await row.locator('.adm-badge').allInnerTexts()).toEqual(['Trackback', 'held']);
    const source = row.locator('.adm-linkback__source');
    expect(await source.getAttribute('href')).toBe(`${blog!.origin}/rosa-reads`);
    expect(await source.getAttribute('rel')).toBe('nofollow noopener');
    expect(await source.getAttribute('target')).toBe('_blank');
    const details = await row.locator('.adm-linkback__details').innerText();
    expect(details).toContain('Rosa’s blog');
    expect(details).toContain('A post others link to');
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Text from another site is shown as text: its markup-looking words make no element.
    const excerpt = row.locator('.adm-linkback__excerpt');
    expect(await excerpt.innerText()).toBe('Fish & chips, and <b>not bold</b>: plain text.');
    expect(await excerpt.locator('b').count()).toBe(0);
    expect(await tabCount(page, 'PENDING')).toBe('1');
    expect(await tabCount(page, 'APPROVED')).toBe('0');
    await expectNoAxeViolations(page);

    await row.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => queueTitles(page)).toEqual([]);
    expect(await tabCount(page, 'PENDING')).toBe('0');
    expect(await tabCount(page, 'APPROVED')).toBe('1');
    await expect
      .poll(() => page.getByRole('status').last().innerText())
      .toBe('Approved: 1 linkback.');
    expect(await page.locator('.adm-empty').innerText()).toBe('No linkbacks match this filter.');
    await expectNoAxeViolations(page);

    // Kept: after a reload the API says the same.
    await page.reload();
    await page.locator('[data-tab="APPROVED"] .adm-count').waitFor();
    expect(await tabCount(page, 'PENDING')).toBe('0');
    expect(await tabCount(page, 'APPROVED')).toBe('1');
    expect(await statuses(server, adminToken, post.id)).toEqual(['APPROVED']);

    const readerPage = await session.context.newPage();
    await readerPage.goto(`${server.url}/posts/${post.slug}`);
    const listed = readerPage.locator('.linkbacks');
    expect(await listed.innerText()).toContain('Rosa reads the post');
    expect(
      await listed.getByRole('link', { name: 'Rosa reads the post' }).getAttribute('href'),
    ).toBe(`${blog!.origin}/rosa-reads`);
  });

  it('as an ADMIN: spams three linkbacks in bulk with "select all on this page", then trashes and restores them from the spam', async () => {
    const { page, server } = session;
    const post = await publishedPost(server, adminToken, 'A post the spammers found');
    await newBlog();
    await trackbacks(post.slug, ['Bulk One', 'Bulk Two', 'Bulk Three']);
    await openDesk(page, server, admin, `/admin/linkbacks?post=${post.id}`);
    await expect.poll(() => queueTitles(page)).toEqual(['Bulk Three', 'Bulk Two', 'Bulk One']);
    expect(await tabCount(page, 'PENDING')).toBe('3');

    await page.getByLabel('Select all on this page').check();
    expect(await page.locator('.adm-bulk').innerText()).toContain('3 selected');
    await page.getByRole('button', { name: 'Spam selected' }).click();
    await expect.poll(() => queueTitles(page)).toEqual([]);
    expect(await tabCount(page, 'PENDING')).toBe('0');
    expect(await tabCount(page, 'SPAM')).toBe('3');
    expect(await tabCount(page, 'ALL')).toBe('3');
    await expect
      .poll(() => page.getByRole('status').last().innerText())
      .toBe('Marked as spam: 3 linkbacks.');
    await expect
      .poll(() => statuses(server, adminToken, post.id))
      .toEqual(['SPAM', 'SPAM', 'SPAM']);

    // In the spam: trash two of them; the trash is where a linkback ends (no deleting).
    await page.locator('[data-tab="SPAM"]').click();
    await expect.poll(() => queueTitles(page)).toHaveLength(3);
    await expectNoAxeViolations(page);
    await page.getByLabel('Select the trackback “Bulk One”').check();
    await page.getByLabel('Select the trackback “Bulk Two”').check();
    expect(await page.locator('.adm-bulk').innerText()).toContain('2 selected');
    await page.getByRole('button', { name: 'Trash selected' }).click();
    await expect.poll(() => queueTitles(page)).toEqual(['Bulk Three']);
    expect(await tabCount(page, 'SPAM')).toBe('1');
    expect(await tabCount(page, 'TRASH')).toBe('2');
    await page.locator('[data-tab="TRASH"]').click();
    await expect.poll(() => queueTitles(page)).toEqual(['Bulk Two', 'Bulk One']);
    expect(await page.getByRole('button', { name: /delete/i }).count()).toBe(0);
    await page
      .locator('.adm-linkback', { hasText: 'Bulk One' })
      .getByRole('button', { name: 'Restore' })
      .click();
    await expect.poll(() => queueTitles(page)).toEqual(['Bulk Two']);
    expect(await tabCount(page, 'TRASH')).toBe('1');
    expect(await tabCount(page, 'PENDING')).toBe('1');
    await expect
      .poll(() => statuses(server, adminToken, post.id))
      .toEqual(['PENDING', 'SPAM', 'TRASH']);
  });

  it('as an ADMIN: works the queue from the keyboard (j/k, a, s, t, u, x), with a help overlay', async () => {
    const { page, server } = session;
    const post = await publishedPost(server, adminToken, 'A post for the keyboard');
    await newBlog();
    await trackbacks(post.slug, ['Key One', 'Key Two', 'Key Three', 'Key Four']);
    await openDesk(page, server, admin, `/admin/linkbacks?post=${post.id}`);
    await expect
      .poll(() => queueTitles(page))
      .toEqual(['Key Four', 'Key Three', 'Key Two', 'Key One']);

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.innerText()).toContain('Next linkback');
    expect(await help.innerText()).toContain('Mark as spam');
    expect(await help.innerText()).toContain('Unapprove or restore (hold for moderation)');
    // Reply and edit are the comment queue's: a linkback has neither.
    expect(await help.innerText()).not.toContain('Reply');
    expect(await help.innerText()).not.toContain('Edit');
    await expectNoAxeViolations(page);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    const focused = () =>
      page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent);
    // The first is current: j moves to the second, k back; a approves the current one.
    await page.keyboard.press('j');
    await expect.poll(focused).toBe('Key Three');
    await page.keyboard.press('k');
    await expect.poll(focused).toBe('Key Four');
    await page.keyboard.press('a');
    await expect.poll(() => queueTitles(page)).toEqual(['Key Three', 'Key Two', 'Key One']);
    // The next one is current now: s marks it as spam, and t, pressed while
    // the API has not answered yet (held back here), trashes the next: both land.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let sent = 0;
    await page.route('**/graphql', async (route) => {
      if ((route.request().postData() ?? '').includes('ModerateLinkbacks') && ++sent === 1) {
        await released;
      }
      return route.continue();
    });
    await page.keyboard.press('s');
    await expect.poll(() => queueTitles(page)).toEqual(['Key Two', 'Key One']);
    await page.keyboard.press('t');
    // The second waits for the first's answer (else its answer, coming
    // first, would be masked by the first's guess: Key Two would show again).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent).toBe(1);
    release();
    await expect.poll(() => queueTitles(page)).toEqual(['Key One']);
    await page.unroute('**/graphql');
    // x selects the current one, for the bulk actions.
    await page.keyboard.press('x');
    expect(await page.locator('.adm-bulk').innerText()).toContain('1 selected');
    expect(await page.getByLabel('Select the trackback “Key One”').isChecked()).toBe(true);
    expect(await tabCount(page, 'PENDING')).toBe('1');
    expect(await tabCount(page, 'APPROVED')).toBe('1');
    expect(await tabCount(page, 'SPAM')).toBe('1');
    expect(await tabCount(page, 'TRASH')).toBe('1');
    await expect
      .poll(() => statuses(server, adminToken, post.id))
      .toEqual(['APPROVED', 'PENDING', 'SPAM', 'TRASH']);

    // Keys typed in the post filter are the filter's, not shortcuts (no post's title starts with t).
    await page.getByLabel('Post', { exact: true }).focus();
    await page.keyboard.press('t');
    expect(await queueTitles(page)).toEqual(['Key One']);
    expect(await tabCount(page, 'TRASH')).toBe('1');

    // In the trash, u restores the current one (holds it for moderation, as
    // the comment queue's u); r is not a key here.
    await page.locator('[data-tab="TRASH"]').click();
    await expect.poll(() => queueTitles(page)).toEqual(['Key Two']);
    await page.keyboard.press('r');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await queueTitles(page)).toEqual(['Key Two']);
    await page.keyboard.press('u');
    await expect.poll(() => queueTitles(page)).toEqual([]);
    expect(await tabCount(page, 'PENDING')).toBe('2');
    expect(await tabCount(page, 'TRASH')).toBe('0');
    await expect
      .poll(() => statuses(server, adminToken, post.id))
      .toEqual(['APPROVED', 'PENDING', 'PENDING', 'SPAM']);
  });

  it('as an AUTHOR: only the linkbacks of their own posts', async () => {
    const { page, server } = session;
    const authorToken = await signInToken(server, author);
    const own = await publishedPost(server, authorToken, 'Arthur’s linked post');
    const others = await publishedPost(server, adminToken, 'Ada’s linked post');
    await newBlog();
    await trackbacks(own.slug, ['To Arthur'], 'to-arthur');
    await trackbacks(others.slug, ['To Ada'], 'to-ada');

    await openDesk(page, server, author, '/admin/linkbacks');
    await expect.poll(() => queueTitles(page)).toEqual(['To Arthur']);
    expect(await tabCount(page, 'PENDING')).toBe('1');
    expect(await page.getByRole('navigation', { name: 'Editor’s desk' }).innerText()).toContain(
      'Linkbacks',
    );
    // Their post is the only one to filter by.
    expect(await page.locator('#adm-linkbacks-post option').allInnerTexts()).toEqual([
      'All posts',
      'Arthur’s linked post',
    ]);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => queueTitles(page)).toEqual([]);
    expect(await page.locator('.adm-empty').innerText()).toBe(
      'No linkbacks are waiting: the queue is empty.',
    );
    await expectNoAxeViolations(page);
    await expect.poll(() => statuses(server, authorToken, own.id)).toEqual(['APPROVED']);
    expect(await statuses(server, adminToken, others.id)).toEqual(['PENDING']);

    // Another author's post, asked for by its address: the API refuses, and the desk says so.
    await page.goto(`${server.url}/admin/linkbacks?post=${others.id}`);
    const refused = page.getByRole('alert');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('Try again');
    expect(await queueTitles(page)).toEqual([]);
  });
});
