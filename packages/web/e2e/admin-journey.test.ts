// A new site's first day, as the README tells it: the operator makes the
// first admin with the CLI, who signs in at /admin and runs the site from the
// desk alone (writes and publishes a post, moderates the first comment on
// it), and an AUTHOR who writes their own post but cannot touch another's.
// In Chromium against the built server, the reader's side in the reader app.
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, graphql, updateDiscussionSettings, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk } from './desk.js';
import { fillComment, SLUG, threadHydrated } from './reader.js';
import { useBrowserSession } from './session.js';

describe('running the site from the desk', () => {
  const session = useBrowserSession();
  let admin: TestUser;
  let author: TestUser;

  beforeAll(async () => {
    if (!session.server) return;
    admin = await createUser(session.server, 'admin', 'first-admin@example.org', 'Fiona First');
    author = await createUser(session.server, 'author', 'arlo-author@example.org', 'Arlo Author');
    await updateDiscussionSettings(session.server, { minSecondsBetweenComments: 0 });
  });

  it('as the first ADMIN: writes and publishes a post, and approves its first comment, with no curl', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

    await page.getByRole('link', { name: 'Posts', exact: true }).click();
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByLabel(/^Title/).fill('Opening day');
    await page.getByLabel('Content').fill('We are **open**. Tell us what you think below.');
    await page.getByLabel(/^Tags/).fill('news');
    await expect
      .poll(() => page.locator('[data-preview]').innerHTML())
      .toContain('<strong>open</strong>');
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(() => page.locator('[data-post-status]').innerText()).toContain('published');

    // A visitor finds it on the home page and comments; a first comment is held.
    const reader = await (await session.newContext()).newPage();
    await reader.goto(`${server.url}/`);
    await reader.getByRole('link', { name: 'Opening day' }).click();
    await reader.waitForURL(/\/posts\/opening-day$/);
    expect(await reader.locator('article').first().innerHTML()).toContain('<strong>open</strong>');
    await threadHydrated(reader);
    await fillComment(reader, {
      content: 'Congratulations on the launch!',
      authorName: 'Vera Visitor',
      authorEmail: 'vera@example.org',
    });
    await reader.getByRole('button', { name: 'Post Comment' }).click();
    await reader.locator('.comment__moderation', { hasText: 'awaiting moderation' }).waitFor();

    // The desk's dashboard counts it; its link opens the held queue, where it is approved.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const held = page.locator('[data-stat="held-comments"]');
    await expect.poll(() => held.innerText()).toBe('1');
    await held.click();
    const item = page.locator('.adm-comment', { hasText: 'Congratulations on the launch!' });
    expect(await item.innerText()).toContain('vera@example.org');
    expect(await item.innerText()).toContain('Opening day');
    await item.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => item.count()).toBe(0);
    await expectNoAxeViolations(page);

    await reader.reload();
    await threadHydrated(reader);
    const thread = reader.locator('#comments');
    await expect.poll(() => thread.innerText()).toContain('Congratulations on the launch!');
    expect(await thread.innerText()).toContain('Vera Visitor');
  });

  it('as an AUTHOR: publishes their own post; another’s post and the admins’ screens are refused', async () => {
    const { page, server } = session;
    await openDesk(page, server, author, '/admin/posts/new');
    await page.getByLabel(/^Title/).fill('An author’s own');
    await page.getByLabel('Content').fill('Written by an author.');
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(() => page.locator('[data-post-status]').innerText()).toContain('published');
    const slug = await page.getByLabel('Slug').inputValue();
    const own = await fetch(`${server.url}/posts/${slug}`, { headers: { accept: 'text/html' } });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('Arlo Author');

    // The seed post is not theirs: not in their list, and its editor does not open.
    await page.getByRole('link', { name: 'Posts', exact: true }).click();
    await page.locator('tr', { hasText: 'An author’s own' }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('Social media surgery');
    const { post } = await graphql<{ post: { id: string } }>(
      server,
      'query ($slug: String!) { post(slug: $slug) { id } }',
      { slug: SLUG },
    );
    await page.goto(`${server.url}/admin/posts/${post.id}`);
    await page.locator('main .adm-empty, main [role="alert"]').first().waitFor();
    expect(await page.locator('main [role="alert"]').innerText()).toContain(
      'This post is not yours to open: you may edit only your own posts.',
    );
    // Asking again cannot help: no "Try again".
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await page.getByLabel(/^Title/).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Site' }).count()).toBe(0);
    await page.goto(`${server.url}/admin/site`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    await expectNoAxeViolations(page);
    const seed = await fetch(`${server.url}/posts/${SLUG}`, { headers: { accept: 'text/html' } });
    expect(seed.status).toBe(200);
  });
});
