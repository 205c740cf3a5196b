// The desk offers Reply only where a reply can go: not on a comment at the
// thread's deepest level (the discussion setting threadDepth), by button or
// by the r key, in Chromium against the built server.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  createUser,
  graphql,
  updateDiscussionSettings,
  type TestUser,
} from './admin.js';
import { expectNoAxeViolations, openDesk, seedPostId, submitComment } from './desk.js';
import { SLUG } from './reader.js';
import { useBrowserSession } from './session.js';

describe('replies and the thread depth in the desk', () => {
  const session = useBrowserSession();
  let editor: TestUser;

  beforeAll(async () => {
    if (!session.server) return;
    editor = await createUser(
      session.server,
      'editor',
      'e2e-depth-editor@example.org',
      'Dee Depth',
    );
    // Two levels: a top-level comment takes replies, a reply takes none.
    await updateDiscussionSettings(session.server, {
      threadDepth: 2,
      minSecondsBetweenComments: 0,
    });
  });

  it('offers no Reply on a comment at the deepest level, and r opens nothing there', async () => {
    const { page, server } = session;
    const token = await adminToken(server);
    const top = await submitComment(
      server,
      await seedPostId(server, SLUG),
      'Tess Top',
      'A top-level one.',
    );
    await graphql(
      server,
      'mutation ($ids: [ID!]!) { moderateComments(ids: $ids, status: APPROVED) { errors { code } } }',
      { ids: [top] },
      token,
    );
    const reply = await graphql<{ replyAsAuthor: { comment: { id: string; depth: number } } }>(
      server,
      'mutation ($parentId: ID!, $content: String!) { replyAsAuthor(parentId: $parentId, content: $content) { comment { id depth } errors { code } } }',
      { parentId: top, content: 'The deepest a reply can be.' },
      token,
    );
    expect(reply.replyAsAuthor.comment.depth).toBe(1);

    await openDesk(page, server, editor, '/admin/comments?status=APPROVED');
    const parent = page.locator(`[data-comment-id="${top}"]`);
    const deepest = page.locator(`[data-comment-id="${reply.replyAsAuthor.comment.id}"]`);
    await deepest.waitFor();
    expect(await parent.getByRole('button', { name: 'Reply' }).count()).toBe(1);
    expect(await deepest.getByRole('button', { name: 'Reply' }).count()).toBe(0);
    expect(await deepest.getByRole('button', { name: 'Edit' }).count()).toBe(1);

    await deepest.focus();
    await page.keyboard.press('r');
    await page.keyboard.press('e');
    // e opens the edit form there; r had opened nothing before it.
    await deepest.getByRole('button', { name: 'Save', exact: true }).waitFor();
    expect(await deepest.getByRole('button', { name: /^Send/ }).count()).toBe(0);
    await expectNoAxeViolations(page);
  });
});
