// The desk's posts: the list and the editor, in Chromium against the built
// server. A Markdown post with its live preview rendered by the server,
// saved, scheduled, published (and on the reader's page), a revision
// restored, the unsaved-changes warning; an AUTHOR sees only their own.
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, graphql, signInToken, type TestUser } from './admin.js';
import {
  expectNoAxeViolations,
  openDesk,
  publishedPost,
  seedPostId,
  submitComment,
} from './desk.js';
import { SLUG } from './reader.js';
import { useBrowserSession } from './session.js';

const MARKDOWN =
  'A *first* paragraph with a [link](https://example.org/).\n\n<script>window.hacked = 1</script>\n\n## A heading';

describe('posts in the desk', () => {
  const session = useBrowserSession();
  let editor: TestUser;
  let author: TestUser;

  beforeAll(async () => {
    if (!session.server) return;
    editor = await createUser(session.server, 'editor', 'e2e-editor@example.org', 'Edna Editor');
    author = await createUser(session.server, 'author', 'e2e-author@example.org', 'Arthur Author');
  });

  it('as an EDITOR: the dashboard counts held comments and linkbacks, drafts and scheduled posts, and shows the latest comments', async () => {
    const { page, server } = session;
    const token = await signInToken(server, editor);
    const draft = (title: string) =>
      graphql<{ createPost: { post: { id: string } } }>(
        server,
        'mutation ($input: CreatePostInput!) { createPost(input: $input) { post { id } } }',
        { input: { title } },
        token,
      ).then((d) => d.createPost.post.id);
    await draft('Draft one');
    await draft('Draft two');
    const later = await draft('Later');
    await graphql(
      server,
      'mutation ($id: ID!, $at: DateTime) { publishPost(id: $id, publishAt: $at) { errors { message } } }',
      { id: later, at: new Date(Date.now() + 48 * 3600_000).toISOString() },
      token,
    );
    await submitComment(
      server,
      await seedPostId(server, SLUG),
      'Dora Dash',
      'Waiting on the dashboard.',
    );

    await openDesk(page, server, editor);
    await page.locator('[data-stat="drafts"]').waitFor();
    const stat = (name: string) => page.locator(`[data-stat="${name}"]`).innerText();
    expect(await stat('held-comments')).toBe('1');
    expect(await stat('held-linkbacks')).toBe('0');
    expect(await stat('drafts')).toBe('2');
    expect(await stat('scheduled')).toBe('1');
    const activity = await page
      .locator('section[aria-labelledby="adm-activity-title"]')
      .innerText();
    expect(activity).toContain('Dora Dash');
    expect(activity).toContain('Waiting on the dashboard.');
    expect(
      await page.locator('section[aria-labelledby="adm-scheduled-title"]').innerText(),
    ).toContain('Later');
    await expectNoAxeViolations(page);
  });

  it('as an EDITOR: writes a Markdown post with a server-rendered preview, saves it, schedules it, publishes it', async () => {
    const { page, server } = session;
    await openDesk(page, server, editor, '/admin/posts/new');
    await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();
    await page.getByLabel(/^Title/).fill('Written in the desk');
    await page.getByLabel('Content').fill(MARKDOWN);
    const preview = page.locator('[data-preview]');
    await expect.poll(() => preview.innerHTML()).toContain('<em>first</em>');
    const html = await preview.innerHTML();
    expect(html).toContain('<a href="https://example.org/"');
    expect(html).toContain('<h2>A heading</h2>');
    expect(html).not.toContain('script');
    expect(await page.evaluate(() => 'hacked' in window)).toBe(false);
    expect(await page.locator('[data-unsaved]').count()).toBe(1);
    await expectNoAxeViolations(page);

    // A field error comes back at its field: a slug with spaces.
    await page.getByLabel('Slug').fill('not a slug!');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('#adm-post-slug-error').count()).toBe(1);
    expect(await page.getByLabel('Slug').getAttribute('aria-invalid')).toBe('true');
    expect(new URL(page.url()).pathname).toBe('/admin/posts/new');

    await page.getByLabel('Slug').fill('');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/admin\/posts\/\d+$/);
    await expect.poll(() => page.locator('[data-post-status]').innerText()).toContain('draft');
    expect(await page.getByLabel('Slug').inputValue()).toBe('written-in-the-desk');
    expect(await page.locator('[data-unsaved]').count()).toBe(0);

    // Scheduled for tomorrow: not on the site yet.
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await page.getByLabel('Publish at').fill(local);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(() => page.locator('[data-post-status]').innerText()).toContain('scheduled');
    const before = await fetch(`${server.url}/posts/written-in-the-desk`, {
      headers: { accept: 'text/html' },
    });
    expect(before.status).toBe(404);

    await page.getByRole('button', { name: 'Unpublish' }).click();
    await expect.poll(() => page.locator('[data-post-status]').innerText()).toContain('draft');
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(() => page.locator('[data-post-status]').innerText()).toContain('published');
    const reader = await session.context.newPage();
    await reader.goto(`${server.url}/posts/written-in-the-desk`);
    expect(await reader.locator('h1').first().innerText()).toBe('Written in the desk');
    expect(await reader.locator('article').first().innerHTML()).toContain('<em>first</em>');

    // In the list, with its status.
    await page.getByRole('link', { name: 'Posts', exact: true }).click();
    const row = page.locator('tr', { hasText: 'Written in the desk' });
    await row.waitFor();
    expect(await row.innerText()).toContain('published');
    await expectNoAxeViolations(page);
  });

  it('as an EDITOR: compares a revision with a side-by-side diff and restores it; leaving with unsaved changes asks first', async () => {
    const { page, server } = session;
    const token = await signInToken(server, editor);
    const post = await publishedPost(server, token, 'The first title');
    await graphql(
      server,
      'mutation ($input: UpdatePostInput!) { updatePost(input: $input) { errors { message } } }',
      { input: { id: post.id, title: 'The second title', content: '<p>Changed text.</p>' } },
      token,
    );
    await openDesk(page, server, editor, `/admin/posts/${post.id}`);
    await expect.poll(() => page.getByLabel(/^Title/).inputValue()).toBe('The second title');
    const revisions = page.locator('[data-revision-id]');
    await expect.poll(() => revisions.count()).toBe(2);
    const oldest = revisions.last();
    expect(await oldest.innerText()).toContain('The first title');
    await oldest.getByRole('button', { name: 'Compare with the editor' }).click();
    // The revision on the left, the editor's text on the right (admin-post-history has the details).
    const content = oldest.locator('[data-diff-field="content"]');
    expect(await content.locator('del').allTextContents()).toEqual(['The', 'first title: the ']);
    expect(await content.locator('ins').allTextContents()).toEqual(['Changed']);
    await expectNoAxeViolations(page);

    await oldest.getByRole('button', { name: 'Restore this revision' }).click();
    await expect.poll(() => page.getByLabel(/^Title/).inputValue()).toBe('The first title');
    await expect.poll(() => revisions.count()).toBe(3);
    const stored = await graphql<{ editorPost: { title: string; contentSource: string } }>(
      server,
      'query ($id: ID!) { editorPost(id: $id) { title contentSource } }',
      { id: post.id },
      token,
    );
    expect(stored.editorPost).toEqual({
      title: 'The first title',
      contentSource: '<p>The first title: the text.</p>',
    });

    // Unsaved: leaving asks; saying no stays, with the text kept.
    await page.getByLabel(/^Title/).fill('Typed, not saved');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect
      .poll(() => asked)
      .toBe('This post has unsaved changes. Leave without saving them?');
    expect(new URL(page.url()).pathname).toBe(`/admin/posts/${post.id}`);
    expect(await page.getByLabel(/^Title/).inputValue()).toBe('Typed, not saved');
  });

  it('as an AUTHOR: the list holds only their own posts', async () => {
    const { page, server } = session;
    const token = await signInToken(server, author);
    await publishedPost(server, token, 'Arthur writes');
    await openDesk(page, server, author, '/admin/posts');
    const titles = page.locator('.adm-posts tbody tr td:first-child');
    await expect.poll(() => titles.allInnerTexts()).toEqual(['Arthur writes']);
    await expectNoAxeViolations(page);
  });
});
