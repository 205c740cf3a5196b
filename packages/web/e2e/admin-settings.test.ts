// The desk's Site section (ADMIN): general settings, discussion settings and
// share targets dragged into a new order, in Chromium against the built
// server; each change is checked where readers and the public API see it.
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, graphql, signInToken, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk, seedPostId } from './desk.js';
import { SLUG, TITLE } from './reader.js';
import { useBrowserSession } from './session.js';

const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
const html = (url: string) =>
  fetch(url, { headers: { accept: 'text/html' } }).then((r) => r.text());

describe('the site settings in the desk', () => {
  const session = useBrowserSession();
  let admin: TestUser;
  let editor: TestUser;
  let token: string;

  beforeAll(async () => {
    if (!session.server) return;
    admin = await createUser(session.server, 'admin', 'e2e-settings-admin@example.org', 'Ada');
    editor = await createUser(session.server, 'editor', 'e2e-settings-editor@example.org', 'Ed');
    token = await signInToken(session.server, admin);
  });

  const site = () =>
    graphql<{ site: { title: string; description: string; url: string } }>(
      session.server,
      '{ site { title description url } }',
      {},
    ).then((d) => d.site);

  it('renames the site: the desk, the reader pages and the feed say so; a refused value changes nothing', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin, '/admin/site');
    const title = page.getByLabel(/^Site title/);
    await expect.poll(() => title.inputValue()).toBe('Colloquy');
    expect(await page.getByLabel('Public URL').inputValue()).toBe(server.url);
    await expectNoAxeViolations(page);

    await title.fill('  Conversations   at the Surgery ');
    await page.getByLabel('Description').fill('Posts people talk about.');
    expect(await page.locator('[data-unsaved]').innerText()).toBe('Unsaved changes.');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Settings saved.');
    // The saved values come back from the payload: white space collapsed.
    expect(await title.inputValue()).toBe('Conversations at the Surgery');
    expect(await page.locator('[data-unsaved]').count()).toBe(0);
    expect(await page.locator('.adm-brand__site').innerText()).toBe('Conversations at the Surgery');
    expect(await site()).toMatchObject({
      title: 'Conversations at the Surgery',
      description: 'Posts people talk about.',
    });

    const reader = await session.newContext();
    const home = await reader.newPage();
    await home.goto(`${server.url}/`);
    expect(await home.title()).toBe('Conversations at the Surgery');
    expect(await home.locator('.site-header__title').innerText()).toBe(
      'Conversations at the Surgery',
    );
    expect(await home.locator('.site-header__description').innerText()).toBe(
      'Posts people talk about.',
    );
    const post = await html(`${server.url}/posts/${SLUG}`);
    expect(titleOf(post)).toBe(`${TITLE} — Conversations at the Surgery`);
    expect(post).toMatch(/class="site-header__title"[^>]*>Conversations at the Surgery</);
    const feed = await (await fetch(`${server.url}/feed`)).text();
    expect(feed).toContain('<title>Conversations at the Surgery</title>');

    // Refused: an empty title and a URL that is not http(s); the description typed with them is not saved either.
    await title.fill('   ');
    await page.getByLabel('Description').fill('Not saved.');
    await page.getByLabel('Public URL').fill('ftp://example.org/');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.locator('#adm-site-title-field-error').innerText())
      .toBe('Please give the site a title.');
    expect(await page.locator('#adm-site-url-error').innerText()).toMatch(
      /^The public URL must be an absolute http:\/\/ or https:\/\/ address/,
    );
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').innerText()).toBe(
      'Some fields need attention: nothing was saved.',
    );
    await expectNoAxeViolations(page);
    expect(await site()).toEqual({
      title: 'Conversations at the Surgery',
      description: 'Posts people talk about.',
      url: server.url,
    });

    // Leaving with unsaved changes asks first; staying keeps what was typed.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('link', { name: 'Discussion' }).click();
    await expect
      .poll(() => asked)
      .toBe('The site settings have unsaved changes. Leave without saving them?');
    expect(page.url()).toBe(`${server.url}/admin/site`);
    expect(await page.getByLabel('Description').inputValue()).toBe('Not saved.');
  });

  it('changes the discussion rules: the public API and a new comment follow them; a bad number is refused at its field', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin, '/admin/site/discussion');
    const mode = page.getByLabel('Moderation mode');
    await expect.poll(() => mode.inputValue()).toBe('HOLD_UNLESS_APPROVED_BEFORE');
    await expectNoAxeViolations(page);

    await mode.selectOption('PUBLISH');
    await page.getByLabel(/^Thread depth/).fill('2');
    await page.getByLabel(/^Seconds between comments/).fill('0');
    await page.getByLabel(/^Close comments after/).fill('');
    await page.getByLabel('Moderation words').fill('cheap pills\n  Cheap   Pills \n\ncasino');
    await page.getByLabel('Refuse duplicate comments').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Settings saved.');
    // Reloaded from the payload: the word list trimmed and without repeats.
    expect(await page.getByLabel('Moderation words').inputValue()).toBe('cheap pills\ncasino');

    const rules = () =>
      graphql<{ discussionRules: Record<string, unknown> }>(
        server,
        '{ discussionRules { moderationMode threadDepth minSecondsBetweenComments moderationWords refuseDuplicates keepCommentIpDays closeCommentsAfterDays } }',
        {},
        token,
      ).then((d) => d.discussionRules);
    expect(await rules()).toEqual({
      moderationMode: 'PUBLISH',
      threadDepth: 2,
      minSecondsBetweenComments: 0,
      moderationWords: ['cheap pills', 'casino'],
      refuseDuplicates: false,
      keepCommentIpDays: 60,
      closeCommentsAfterDays: null,
    });
    const open = await graphql<{ discussionSettings: { threadDepth: number } }>(
      server,
      '{ discussionSettings { threadDepth } }',
      {},
    );
    expect(open.discussionSettings.threadDepth).toBe(2);
    // A first-time commenter is published at once (the default would hold them)…
    const postId = await seedPostId(server, SLUG);
    const submit = (content: string) =>
      graphql<{ submitComment: { status: string | null } }>(
        server,
        'mutation ($input: SubmitCommentInput!) { submitComment(input: $input) { status } }',
        {
          input: { postId, authorName: 'Nia New', authorEmail: 'nia@example.org', content },
        },
      ).then((d) => d.submitComment.status);
    expect(await submit('First time here, and published at once.')).toBe('APPROVED');
    // …unless a moderation word holds it.
    expect(await submit('Where can I find a CASINO nearby?')).toBe('PENDING');

    // Out of bounds: refused at the field, and the other change with it is not saved.
    await page.getByLabel(/^Thread depth/).fill('11');
    await page.getByLabel(/^Keep IP addresses/).fill('30');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.locator('#adm-discussion-threadDepth-error').innerText())
      .toBe('Thread depth must be a whole number from 1 to 10.');
    await expectNoAxeViolations(page);
    expect(await rules()).toMatchObject({ threadDepth: 2, keepCommentIpDays: 60 });

    // Emptied, the IP rule keeps addresses for ever; the depth is fixed and both are saved.
    await page.getByLabel(/^Thread depth/).fill('3');
    await page.getByLabel(/^Keep IP addresses/).fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Settings saved.');
    expect(await page.locator('#adm-discussion-threadDepth-error').count()).toBe(0);
    expect(await rules()).toMatchObject({ threadDepth: 3, keepCommentIpDays: null });

    // On a phone the form fits the screen.
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await expectNoAxeViolations(page);
  });

  it('drags a share target to a new place: one reorder, announced, seen by readers; taken back when the request fails', async () => {
    const { page, server } = session;
    await page.setViewportSize({ width: 1280, height: 1600 });
    await openDesk(page, server, admin, '/admin/site/share');
    const rows = () =>
      page
        .locator('[data-target]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-target')));
    await expect
      .poll(rows)
      .toEqual([
        'twitter',
        'reddit',
        'tumblr',
        'linkedin',
        'googleplus',
        'facebook',
        'pinterest',
        'flattr',
      ]);
    await expectNoAxeViolations(page);

    const reorders: string[] = [];
    page.on('request', (request) => {
      if (request.postData()?.includes('reorderShareTargets')) reorders.push(request.postData()!);
    });
    /** Drags `key`'s handle to the top edge of `onto`'s row, in small steps as a hand would. */
    async function drag(key: string, onto: string) {
      const handle = (await page.locator(`[data-target="${key}"] .adm-handle`).boundingBox())!;
      const target = (await page.locator(`[data-target="${onto}"]`).boundingBox())!;
      await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await page.mouse.down();
      await page.mouse.move(handle.x + handle.width / 2, target.y + 4, { steps: 15 });
      await page.mouse.up();
    }

    await drag('facebook', 'twitter');
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toBe('Facebook moved to position 1 of 8.');
    expect(reorders).toHaveLength(1);
    const order = [
      'facebook',
      'twitter',
      'reddit',
      'tumblr',
      'linkedin',
      'googleplus',
      'pinterest',
      'flattr',
    ];
    expect(await rows()).toEqual(order);
    const editorOrder = await graphql<{ editorShareTargets: { key: string }[] }>(
      server,
      '{ editorShareTargets { key } }',
      {},
      token,
    );
    expect(editorOrder.editorShareTargets.map((t) => t.key)).toEqual(order);
    const shown = await graphql<{ shareTargets: { key: string }[] }>(
      server,
      '{ shareTargets { key } }',
      {},
    );
    expect(shown.shareTargets.map((t) => t.key)).toEqual([
      'facebook',
      'twitter',
      'reddit',
      'tumblr',
      'linkedin',
      'pinterest',
    ]);
    const post = await html(`${server.url}/posts/${SLUG}`);
    expect([...post.matchAll(/share-bar__link--([a-z0-9-]+)/g)].map((m) => m[1])).toEqual(
      shown.shareTargets.map((t) => t.key),
    );

    // Dropped where it was picked up: nothing to save, nothing sent.
    await drag('reddit', 'reddit');
    expect(reorders).toHaveLength(1);

    // The request fails (the server cannot be reached): the list goes back to the saved order.
    await page.route('**/graphql', (route) =>
      route.request().postData()?.includes('reorderShareTargets')
        ? route.abort('connectionrefused')
        : route.continue(),
    );
    await drag('pinterest', 'twitter');
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toBe(
        'Could not reach the server. Check your connection and try again. The order is as it was.',
      );
    expect(await rows()).toEqual(order);
    await expectNoAxeViolations(page);

    // On a phone the list fits the screen.
    await page.unroute('**/graphql');
    await page.setViewportSize({ width: 375, height: 1600 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
  });

  it('drags a share target with a finger on a touch screen', async () => {
    const { server } = session;
    const context = await session.newContext({
      viewport: { width: 375, height: 1600 },
      hasTouch: true,
      isMobile: true,
    });
    const page = await context.newPage();
    await openDesk(page, server, admin, '/admin/site/share');
    await page.locator('[data-target="tumblr"]').waitFor();
    const keys = () =>
      graphql<{ editorShareTargets: { key: string }[] }>(
        server,
        '{ editorShareTargets { key } }',
        {},
        token,
      ).then((d) => d.editorShareTargets.map((t) => t.key));
    const before = await keys();
    const handle = (await page.locator('[data-target="tumblr"] .adm-handle').boundingBox())!;
    const target = (await page.locator('[data-target]').first().boundingBox())!;
    const x = handle.x + handle.width / 2;
    const from = handle.y + handle.height / 2;
    // Playwright's touchscreen only taps: the touches go through the DevTools protocol.
    const cdp = await context.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', y?: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: y === undefined ? [] : [{ x, y }],
      });
    await touch('touchStart', from);
    for (let i = 1; i <= 15; i++) await touch('touchMove', from + ((target.y + 4 - from) * i) / 15);
    await touch('touchEnd');
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toBe('Tumblr moved to position 1 of 8.');
    const after = await keys();
    expect(after).toEqual(['tumblr', ...before.filter((k) => k !== 'tumblr')]);
  });

  it('as an EDITOR: the Site screens are not offered, and say they are not available', async () => {
    const { page, server } = session;
    await openDesk(page, server, editor);
    expect(await page.locator('.adm-nav').getByRole('link', { name: 'Site' }).count()).toBe(0);
    for (const path of ['/admin/site', '/admin/site/discussion', '/admin/site/share']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: 'Not available to you', level: 1 }).waitFor();
      expect(await page.locator('#adm-main').innerText()).toContain('you are signed in as editor');
      expect(await page.locator('form').count()).toBe(0);
    }
    await expectNoAxeViolations(page);
  });
});
