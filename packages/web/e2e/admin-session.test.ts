// The editor's desk (/admin): signing in and out with the API's sessions,
// the session kept across a reload, the way back to the address asked for,
// and the reader's pages loading none of the desk's code.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, graphql, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk, signInWithForm } from './desk.js';
import { SLUG, TITLE, hydrated, threadHydrated } from './reader.js';
import { useBrowserSession } from './session.js';

const SESSION_KEY = 'colloquy.admin.session';
const manifestFile = path.resolve(import.meta.dirname, '../dist/client/.vite/manifest.json');

describe('the editor’s desk: signing in', () => {
  const session = useBrowserSession();
  let editor: TestUser;

  beforeAll(async () => {
    if (!session.server) return;
    editor = await createUser(session.server, 'editor', 'e2e-editor@example.org', 'Edna Editor');
  });

  it('sends an anonymous visitor to sign in, and back to the address asked for; the session survives a reload; signing out ends it', async () => {
    const { page, server } = session;
    await page.goto(`${server.url}/admin/comments?status=SPAM`);
    await page.getByRole('heading', { name: 'Sign in to the editor’s desk' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe(
      '/admin/comments?status=SPAM'.slice(6),
    );
    await expectNoAxeViolations(page);

    await signInWithForm(page, editor);
    await page.getByRole('heading', { name: 'Comments', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      '/admin/comments?status=SPAM',
    );
    await expect
      .poll(() => page.locator('[data-tab="SPAM"]').getAttribute('aria-current'))
      .toBe('page');

    // A reload: still signed in, on the same screen.
    await page.reload();
    await page.getByRole('heading', { name: 'Comments', level: 1 }).waitFor();
    const token = await page.evaluate(
      (key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { token?: string }).token,
      SESSION_KEY,
    );
    expect(token).toMatch(/^\S+$/);

    // The account menu names the viewer and signs out.
    const account = page.getByRole('button', { name: /Edna Editor/ });
    expect(await account.innerText()).toMatch(/Edna Editor\s+editor/);
    await account.click();
    expect(await account.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.locator('#adm-account-panel').innerText()).toContain(editor.email);
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the editor’s desk' }).waitFor();
    expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBeNull();

    // The session is over on the server too: its token is refused.
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(refused.status).toBe(401);

    await page.goto(`${server.url}/admin/`);
    await page.getByRole('heading', { name: 'Sign in to the editor’s desk' }).waitFor();
  });

  it('shows the dashboard after signing in, with no accessibility violations', async () => {
    const { page, server } = session;
    await openDesk(page, server, editor);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.locator('[data-stat="held-comments"]').waitFor();
    expect(await page.locator('[data-stat="held-comments"]').innerText()).toBe('0');
    expect(await page.title()).toBe('Dashboard — Editor’s desk');
    await expectNoAxeViolations(page);
  });

  it('says why a sign-in failed, at the fields or for the form, and what throttling means', async () => {
    const { page, server } = session;
    const victim = await createUser(server, 'author', 'e2e-throttled@example.org');
    await page.goto(`${server.url}/admin/sign-in`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.locator('#adm-email-error').innerText()).toBe(
      'Please enter your email address.',
    );
    expect(await page.getByLabel(/^Email/).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel(/^Email/).fill(victim.email);
    await page.getByLabel(/^Password/).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toBe('The email address or password is not correct.');
    await expectNoAxeViolations(page);

    // Five failures are free for an email; the sixth attempt is refused, the right password too.
    for (let attempt = 2; attempt <= 5; attempt++) {
      await page.getByLabel(/^Password/).fill(`wrong ${attempt}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    }
    await page.getByLabel(/^Password/).fill(victim.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toMatch(/^Too many failed sign-in attempts\. Try again after \d{4}-/);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
  });
});

describe('the reader’s pages load none of the desk', () => {
  const session = useBrowserSession();

  it('a post page, with its thread hydrated, requests no admin chunk and has no admin styles', async () => {
    const { page, server } = session;
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<
      string,
      { file: string }
    >;
    const adminFiles = Object.entries(manifest)
      .filter(([key]) => key.startsWith('src/admin/'))
      .map(([, chunk]) => `/${chunk.file}`);
    expect(adminFiles.length).toBeGreaterThan(0);

    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${server.url}/posts/${SLUG}`);
    await hydrated(page);
    await threadHydrated(page);
    expect(await page.locator('h1').first().innerText()).toBe(TITLE);
    const scripts = requested.filter((p) => p.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of adminFiles) expect(scripts).not.toContain(file);
    expect(await page.locator('style[data-admin]').count()).toBe(0);

    // The same server, at /admin, does load it: the check above can fail.
    requested.length = 0;
    await page.goto(`${server.url}/admin/`);
    await page.getByRole('heading', { name: 'Sign in to the editor’s desk' }).waitFor();
    expect(requested.some((p) => adminFiles.includes(p))).toBe(true);
  });

  it('the API still refuses the desk’s anonymous visitor: the viewer is null', async () => {
    const data = await graphql<{ viewer: null | { id: string } }>(
      session.server,
      '{ viewer { id } }',
      {},
    );
    expect(data.viewer).toBeNull();
  });
});
