// The desk's general site settings when PUBLIC_URL is set in the server's
// environment, which wins: the public URL field is read-only from the start
// with the API's reason (Site.urlReadOnlyReason), and the other settings save.
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, graphql, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk } from './desk.js';
import { useBrowserSession } from './session.js';

// This file's own server (startColloquy passes the environment on).
process.env.PUBLIC_URL = 'https://talk.example.org';

describe('the public URL set by the environment', () => {
  const session = useBrowserSession();
  let admin: TestUser;

  beforeAll(async () => {
    if (!session.server) return;
    admin = await createUser(session.server, 'admin', 'e2e-env-admin@example.org', 'Ada');
  });

  it('is shown read-only with the API’s reason from the start, and the rest saves', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin, '/admin/site');
    const url = page.getByLabel('Public URL');
    await expect.poll(() => url.inputValue()).toMatch(/^https:\/\/talk\.example\.org\/?$/);
    const envUrl = await url.inputValue();
    // The site's urlReadOnlyReason says so before anything is typed or sent.
    expect(await url.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('#adm-site-url-hint').innerText()).toBe(
      'PUBLIC_URL is set in the server environment, and it wins: change it there (or unset it to manage the URL here).',
    );
    expect(await url.getAttribute('aria-describedby')).toBe('adm-site-url-hint');
    await expectNoAxeViolations(page);

    // Typing into it changes nothing; the title saves on the first try.
    await url.pressSequentially('x');
    expect(await url.inputValue()).toBe(envUrl);
    await page.getByLabel(/^Site title/).fill('Talk');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Settings saved.');
    const site = await graphql<{ site: { title: string; url: string } }>(
      server,
      '{ site { title url } }',
      {},
    );
    expect(site.site).toEqual({ title: 'Talk', url: envUrl });
  });
});
