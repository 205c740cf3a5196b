// The desk on a phone (375 × 667, touch): every screen fits the width, with
// no sideways scrolling of the page, its navigation and actions are there to
// tap, and axe-core finds nothing; a held comment is approved with a tap. In
// Chromium against the built server.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  createUser,
  graphql,
  updateDiscussionSettings,
  type TestUser,
} from './admin.js';
import { expectNoAxeViolations, openDesk, publishedPost, submitComment } from './desk.js';
import { useBrowserSession } from './session.js';

const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };

/** Every screen of the desk, by the heading it shows. */
const SCREENS: { path: string; heading: string }[] = [
  { path: '/admin/', heading: 'Dashboard' },
  { path: '/admin/comments', heading: 'Comments' },
  { path: '/admin/linkbacks', heading: 'Linkbacks' },
  { path: '/admin/posts', heading: 'Posts' },
  { path: '/admin/posts/new', heading: 'New post' },
  { path: '/admin/site', heading: 'Site' },
  { path: '/admin/site/discussion', heading: 'Site' },
  { path: '/admin/site/share', heading: 'Site' },
  { path: '/admin/tokens', heading: 'API tokens' },
  { path: '/admin/webhooks', heading: 'Webhooks' },
  { path: '/admin/users', heading: 'Users' },
];

/** How far the page scrolls sideways: 0 when everything fits the viewport's width. */
function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

describe('the desk on a phone', () => {
  const session = useBrowserSession();
  let admin: TestUser;
  let postId: string;
  let postPath: string;

  beforeAll(async () => {
    if (!session.server) return;
    admin = await createUser(session.server, 'admin', 'e2e-phone-admin@example.org', 'Pia Phone');
    const post = await publishedPost(
      session.server,
      await adminToken(session.server),
      'A post with a title long enough to be the widest option of the post filter',
    );
    postId = post.id;
    await updateDiscussionSettings(session.server, { minSecondsBetweenComments: 0 });
    postPath = `/posts/${post.slug}`;
  });

  it('fits every screen in 375 px, with no axe-core violations', async () => {
    const { server } = session;
    await submitComment(
      server,
      postId,
      'Small Screen',
      'A held comment with one unbrokenwordthatislongerthananyphonescreeniswideandmustwrap.',
    );
    const page = await (await session.newContext(PHONE)).newPage();
    await openDesk(page, server, admin);
    for (const screen of SCREENS) {
      await page.goto(`${server.url}${screen.path}`);
      await page.getByRole('heading', { level: 1, name: screen.heading }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      if (process.env.DESK_SHOTS)
        await page.screenshot({
          path: `${process.env.DESK_SHOTS}/${screen.heading}.png`,
          fullPage: true,
        });
      expect({ screen: screen.path, overflow: await sidewaysOverflow(page) }).toEqual({
        screen: screen.path,
        overflow: 0,
      });
      // The desk's navigation is on screen, not pushed out of it.
      const nav = page.getByRole('navigation', { name: 'Editor’s desk' });
      for (const link of await nav.getByRole('link').all()) {
        const box = await link.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
      }
      await expectNoAxeViolations(page);
    }
  });

  it('approves a held comment with a tap, and readers see it', async () => {
    const { server } = session;
    const id = await submitComment(server, postId, 'Tapped Through', 'Approved on a phone.');
    const page = await (await session.newContext(PHONE)).newPage();
    await openDesk(page, server, admin, '/admin/comments?status=PENDING');
    const item = page.locator(`[data-comment-id="${id}"]`);
    await item.getByRole('button', { name: 'Approve', exact: true }).tap();
    await expect.poll(() => item.count()).toBe(0);
    const status = await graphql<{
      comments: { edges: { node: { id: string; status: string } }[] };
    }>(
      server,
      '{ comments(first: 20) { edges { node { id status } } } }',
      {},
      await adminToken(server),
    );
    expect(status.comments.edges.find((e) => e.node.id === id)?.node.status).toBe('APPROVED');
    await expect
      .poll(async () => (await fetch(`${server.url}${postPath}`)).text())
      .toContain('Approved on a phone.');
  });
});
