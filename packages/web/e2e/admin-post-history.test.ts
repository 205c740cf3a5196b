// A post's history in the desk, in Chromium against the built server: the
// revisions of a post edited twice, compared with the editor's text in a
// side-by-side diff that marks the changed words, and restored; and the
// pings a published post sends to the pages it links to, here the post of a
// second Colloquy server started by the test (both may reach 127.0.0.1: the
// test-only COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH), which verifies the
// webmention and records the linkback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { adminToken, createUser, graphql, signInToken, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk, publishedPost } from './desk.js';
import { SLUG } from './reader.js';
import { startColloquy, type RunningServer } from './server.js';
import { useBrowserSession } from './session.js';

const LOOPBACK = { COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH: '1' };

describe('a post’s history in the desk', () => {
  const session = useBrowserSession({ serverEnv: LOOPBACK });
  let editor: TestUser;
  /** The other site: its seed post is the page the desk's post links to. */
  let other: RunningServer | null = null;

  beforeAll(async () => {
    if (!session.server) return;
    editor = await createUser(session.server, 'editor', 'e2e-editor@example.org', 'Edna Editor');
    other = await startColloquy(LOOPBACK);
  });
  afterAll(async () => {
    await other?.stop();
  });

  /** Types into the editor and saves, waiting until nothing is unsaved. */
  async function saveWith(page: Page, fields: Record<string, string>) {
    for (const [label, value] of Object.entries(fields))
      await page.getByLabel(new RegExp(`^${label}`)).fill(value);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('[data-unsaved]').count()).toBe(0);
  }

  it('as an EDITOR: a post edited twice; its first revision against the editor’s text, word by word; restored', async () => {
    const { page, server } = session;
    const token = await signInToken(server, editor);
    const post = await publishedPost(server, token, 'The first title');
    await openDesk(page, server, editor, `/admin/posts/${post.id}`);
    await expect.poll(() => page.getByLabel(/^Title/).inputValue()).toBe('The first title');

    await saveWith(page, {
      Title: 'The second title',
      Content: '<p>The first title: the changed text.</p>\n<p>A new paragraph.</p>',
    });
    await saveWith(page, { Tags: 'news, desk' });
    const revisions = page.locator('[data-revision-id]');
    await expect.poll(() => revisions.count()).toBe(3);

    const oldest = revisions.last();
    expect(await oldest.innerText()).toContain('The first title');
    const compare = oldest.locator('button[aria-expanded]');
    expect(await compare.innerText()).toBe('Compare with the editor');
    await compare.click();
    expect(await compare.getAttribute('aria-expanded')).toBe('true');
    expect(await compare.innerText()).toBe('Hide comparison');
    const diff = oldest.locator('[data-revision-diff]');
    expect(await diff.innerText()).toContain('Changed: title, tags, content.');
    const field = (name: string) => diff.locator(`[data-diff-field="${name}"]`);
    // The revision on the left, the editor's text on the right.
    expect(await field('title').locator('th').allInnerTexts()).toEqual([
      expect.stringMatching(/^This revision \(/),
      'In the editor now',
    ]);
    expect(await field('title').locator('del').allTextContents()).toEqual(['first']);
    expect(await field('title').locator('ins').allTextContents()).toEqual(['second']);
    // A changed line marks its new word; a new line is added whole.
    expect(await field('content').locator('del').allTextContents()).toEqual([]);
    expect(await field('content').locator('ins').allTextContents()).toEqual([
      'changed ',
      '<p>A new paragraph.</p>',
    ]);
    expect(await field('tags').locator('ins').allTextContents()).toEqual(['desk', 'news']);
    // Not by colour alone: a visible − or + and words for screen readers.
    const changedRow = field('title').locator('tbody tr').first();
    expect(await changedRow.innerText()).toMatch(/−[\s\S]*\+/);
    expect(await changedRow.locator('.visually-hidden').allTextContents()).toEqual([
      'Changed line',
    ]);
    // The excerpt did not change.
    expect(await diff.innerText()).toContain('Unchanged: excerpt.');
    expect(await field('excerpt').count()).toBe(0);
    await expectNoAxeViolations(page);

    // Typing changes the right-hand side at once.
    await page.getByLabel(/^Title/).fill('The third title');
    await expect.poll(() => field('title').locator('ins').allTextContents()).toEqual(['third']);
    await page.getByLabel(/^Title/).fill('The second title');

    await oldest.getByRole('button', { name: 'Restore this revision' }).click();
    await expect.poll(() => page.getByLabel(/^Title/).inputValue()).toBe('The first title');
    expect(await page.getByLabel(/^Tags/).inputValue()).toBe('');
    await expect.poll(() => revisions.count()).toBe(4);
    const stored = await graphql<{
      editorPost: { title: string; contentSource: string; tags: { name: string }[] };
    }>(
      server,
      'query ($id: ID!) { editorPost(id: $id) { title contentSource tags { name } } }',
      { id: post.id },
      token,
    );
    expect(stored.editorPost).toEqual({
      title: 'The first title',
      contentSource: '<p>The first title: the text.</p>',
      tags: [],
    });
    // The newest revision is the text now: nothing to mark against the editor.
    await revisions.first().getByRole('button', { name: 'Compare with the editor' }).click();
    expect(await revisions.first().locator('[data-revision-diff]').innerText()).toContain(
      'This revision is the same as the text in the editor.',
    );
  });

  it('as an EDITOR: a published post without links says so where its pings would be', async () => {
    const { page, server } = session;
    const post = await publishedPost(server, await signInToken(server, editor), 'No links here');
    await openDesk(page, server, editor, `/admin/posts/${post.id}`);
    const pings = page.locator('[data-outgoing-pings]');
    await expect
      .poll(() =>
        pings
          .locator('.adm-empty')
          .innerText()
          .catch(() => ''),
      )
      .toBe('No links to other sites in this post, so no pings were sent.');
    expect(await pings.innerText()).toContain('When a post is published');
    expect(await pings.locator('[data-pings-open]').innerText()).toContain('This post takes');
    await expectNoAxeViolations(page);
  });

  it('as an EDITOR: publishing a post that links to another Colloquy sends it a webmention; the desk shows it sent, the other site records the linkback', async () => {
    const { page, server } = session;
    const target = `${other!.url}/posts/${SLUG}`;
    await openDesk(page, server, editor, '/admin/posts/new');
    await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();
    await page.getByLabel(/^Title/).fill('Linking out');
    await page.getByLabel('Content').fill(`I read [their post](${target}) with interest.`);
    // No pings before the post is published.
    expect(await page.locator('[data-outgoing-pings]').count()).toBe(0);
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(() => page.locator('[data-post-status]').innerText()).toContain('published');

    const row = page.locator(`[data-outgoing-pings] tr[data-ping-target="${target}"]`);
    await expect
      .poll(
        () =>
          row
            .locator('[data-ping-status]')
            .innerText()
            .catch(() => ''),
        {
          timeout: 20_000,
        },
      )
      .toBe('Sent');
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toContain(target);
    expect(cells[0]).toContain(`Endpoint: ${other!.url}/webmention`);
    expect(cells[1]).toBe('Webmention');
    expect(cells[3]).toBe('1');
    expect(cells[4]).toContain('HTTP 201');
    await expectNoAxeViolations(page);

    // The other site verified it (it fetched this post's page) and holds it for moderation.
    const postUrl = await page.locator('[data-post-status] a').getAttribute('href');
    expect(postUrl).toBe(`${server.url}/posts/linking-out`);
    const otherToken = await adminToken(other!);
    await expect
      .poll(
        async () => {
          const data = await graphql<{
            linkbacks: { edges: { node: { kind: string; sourceUrl: string; status: string } }[] };
          }>(
            other!,
            '{ linkbacks(status: PENDING) { edges { node { kind sourceUrl status } } } }',
            {},
            otherToken,
          );
          return data.linkbacks.edges.map((e) => e.node);
        },
        { timeout: 20_000 },
      )
      .toEqual([{ kind: 'WEBMENTION', sourceUrl: postUrl, status: 'PENDING' }]);
  });
});
