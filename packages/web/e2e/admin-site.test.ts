// The desk's share targets screen (ADMIN) and API tokens (every
// signed-in user), in Chromium against the built server.
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, graphql, signInToken, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk } from './desk.js';
import { SLUG } from './reader.js';
import { useBrowserSession } from './session.js';

describe('site and tokens in the desk', () => {
  const session = useBrowserSession();
  let admin: TestUser;
  let editor: TestUser;

  beforeAll(async () => {
    if (!session.server) return;
    admin = await createUser(session.server, 'admin', 'e2e-site-admin@example.org', 'Ada Admin');
    editor = await createUser(session.server, 'editor', 'e2e-editor@example.org', 'Edna Editor');
  });

  it('as an ADMIN: retires a share target with its reason (readers stop seeing it) and reorders from the keyboard', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin, '/admin/site/share');
    const pinterest = page.locator('[data-target="pinterest"]');
    await pinterest.waitFor();
    await expectNoAxeViolations(page);

    await pinterest.getByRole('button', { name: 'Retire…' }).click();
    await pinterest.getByRole('button', { name: 'Retire Pinterest' }).click();
    expect(await pinterest.locator('.adm-field__error').innerText()).toBe(
      'Say why the service is retired, e.g. when it closed.',
    );
    await pinterest.getByLabel(/^Why is it retired/).fill('We stopped using it in 2026.');
    await pinterest.getByRole('button', { name: 'Retire Pinterest' }).click();
    await expect
      .poll(() => pinterest.innerText())
      .toContain('Retired: We stopped using it in 2026.');
    const token = await signInToken(server, admin);
    const targets = () =>
      graphql<{
        editorShareTargets: { key: string; retired: boolean; retiredReason: string | null }[];
      }>(server, '{ editorShareTargets { key retired retiredReason } }', {}, token).then(
        (d) => d.editorShareTargets,
      );
    expect((await targets()).find((t) => t.key === 'pinterest')).toEqual({
      key: 'pinterest',
      retired: true,
      retiredReason: 'We stopped using it in 2026.',
    });
    const shown = await graphql<{ shareTargets: { key: string }[] }>(
      server,
      '{ shareTargets { key } }',
      {},
    );
    expect(shown.shareTargets.map((t) => t.key)).not.toContain('pinterest');
    const reader = await fetch(`${server.url}/posts/${SLUG}`, { headers: { accept: 'text/html' } });
    expect(await reader.text()).not.toContain('Pinterest');

    // Reddit (second) moves up with the keyboard: Enter on its focused button.
    const before = (await targets()).map((t) => t.key);
    expect(before.slice(0, 2)).toEqual(['twitter', 'reddit']);
    await page.getByRole('button', { name: 'Move Reddit up' }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await targets()).map((t) => t.key).slice(0, 2))
      .toEqual(['reddit', 'twitter']);
    await expect
      .poll(() =>
        page
          .locator('[data-target]')
          .evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-target'))),
      )
      .toEqual(['reddit', 'twitter']);
  });

  it('as an EDITOR: creates a token with scopes, shown once, that works; revoking it ends it', async () => {
    const { page, server } = session;
    await openDesk(page, server, editor);
    await page.locator('.adm-account__button').click();
    await page.getByRole('link', { name: 'Your API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.adm-empty').innerText()).toBe('You have no API tokens.');

    // Without a scope, the API says so at the scopes.
    await page.getByLabel(/^Name/).fill('Moderation bot');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect
      .poll(() => page.locator('#adm-token-scopes-error').innerText())
      .toBe('Choose at least one scope.');

    await page.getByLabel('Moderate comments and linkbacks').check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secretField = page.getByLabel('New token');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^\S{20,}$/);
    await expect
      .poll(() => page.locator('[data-token="Moderation bot"]').innerText())
      .toContain('moderate');
    await expectNoAxeViolations(page);

    const ask = () =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: '{ viewer { displayName scopes } }' }),
      });
    const works = await ask();
    expect(await works.json()).toEqual({
      data: { viewer: { displayName: 'Edna Editor', scopes: ['MODERATE'] } },
    });

    // Shown once: after a reload only its name is left.
    await page.reload();
    await page.locator('[data-token="Moderation bot"]').waitFor();
    expect(await page.locator('#app').innerText()).not.toContain(secret);

    await page.getByRole('button', { name: 'Revoke Moderation bot' }).click();
    await expect.poll(() => page.locator('.adm-empty').innerText()).toBe('You have no API tokens.');
    expect((await ask()).status).toBe(401);
  });
});
