// The desk's users screen (ADMIN): the list, adding a user, changing roles,
// the last-admin guard, in Chromium against the built server.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, graphql, signInToken, type TestUser } from './admin.js';
import { expectNoAxeViolations, openDesk } from './desk.js';
import { useBrowserSession } from './session.js';

const LAST_ADMIN =
  'This is the only ADMIN: make another user an ADMIN first, so that someone can still manage the site.';

describe('users in the desk', () => {
  const session = useBrowserSession();
  let admin: TestUser;
  let editorFromCli: TestUser;
  const grace: TestUser = {
    email: 'grace@example.org',
    password: 'a long enough passphrase',
    role: 'editor',
  };

  beforeAll(async () => {
    if (!session.server) return;
    admin = await createUser(session.server, 'admin', 'e2e-users-admin@example.org', 'Ada Admin');
    editorFromCli = await createUser(session.server, 'editor', 'e2e-users-editor@example.org');
  });

  /** Everyone's role, by email, as the API has it. */
  async function roles(): Promise<Record<string, string>> {
    const token = await signInToken(session.server, admin);
    const data = await graphql<{ users: { edges: { node: { email: string; role: string } }[] } }>(
      session.server,
      '{ users(first: 100) { edges { node { email role } } } }',
      {},
      token,
    );
    return Object.fromEntries(data.users.edges.map((e) => [e.node.email, e.node.role]));
  }

  const row = (page: Page, email: string) => page.locator(`[data-user="${email}"]`);
  const status = (page: Page) => page.locator('#adm-users-status').innerText();

  it('as an ADMIN: adds an EDITOR (field errors at their fields), who can then sign in at /admin', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin);
    await page
      .getByRole('navigation', { name: 'Editor’s desk' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const me = row(page, admin.email);
    await me.waitFor();
    expect(await me.innerText()).toMatch(/Ada Admin\s+you/);
    expect(await me.getByLabel('Role of Ada Admin').inputValue()).toBe('ADMIN');
    expect(
      await row(page, editorFromCli.email)
        .getByLabel(/^Role of/)
        .inputValue(),
    ).toBe('EDITOR');
    // The rules are there before the API has to say them.
    expect(await page.locator('#adm-user-password-hint').innerText()).toContain(
      'At least 10 characters',
    );
    await expectNoAxeViolations(page);

    // Everything wrong at once: each message at its field, and the first field focused.
    const form = page.locator('form.adm-user-new');
    await form.getByLabel(/^Email/).fill('not an address');
    await form.getByLabel(/^Password/).fill('short');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect
      .poll(() => page.locator('#adm-user-email-error').innerText())
      .toBe('Please enter a valid email address, like name@example.com.');
    expect(await page.locator('#adm-user-displayName-error').innerText()).toBe(
      'Please enter a display name.',
    );
    expect(await page.locator('#adm-user-password-error').innerText()).toBe(
      'The password must be at least 10 characters.',
    );
    expect(await form.getByLabel(/^Email/).getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('adm-user-email');
    await expectNoAxeViolations(page);

    await form.getByLabel(/^Email/).fill(grace.email);
    await form.getByLabel(/^Name/).fill('Grace Hopper');
    await form.getByLabel(/^Role/).selectOption('EDITOR');
    await form.getByLabel(/^Password/).fill(grace.password);
    await form.getByLabel('Show the password').check();
    expect(await form.getByLabel(/^Password/).getAttribute('type')).toBe('text');
    await form.getByRole('button', { name: 'Add user' }).click();
    await row(page, grace.email).waitFor();
    expect(await row(page, grace.email).innerText()).toContain('Grace Hopper');
    expect(await row(page, grace.email).getByLabel('Role of Grace Hopper').inputValue()).toBe(
      'EDITOR',
    );
    await expect
      .poll(() => status(page))
      .toBe('Grace Hopper added as editor. They can sign in now.');
    // The form is empty again, and no error is left.
    expect(await form.getByLabel(/^Email/).inputValue()).toBe('');
    expect(await form.getByLabel(/^Password/).getAttribute('type')).toBe('password');
    expect(await page.locator('.adm-user-new .adm-field__error').count()).toBe(0);

    // The same address again (in another case): refused at the email field.
    await form.getByLabel(/^Email/).fill('Grace@Example.org');
    await form.getByLabel(/^Name/).fill('Grace Again');
    await form.getByLabel(/^Password/).fill('another long passphrase');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect
      .poll(() => page.locator('#adm-user-email-error').innerText())
      .toBe('A user with this email address already exists.');
    expect((await roles())['grace@example.org']).toBe('EDITOR');

    // Grace signs in at /admin, as an editor: no Users screen for her.
    const theirs = await (await session.newContext()).newPage();
    await openDesk(theirs, server, grace);
    await theirs.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(
      await theirs.getByRole('navigation', { name: 'Editor’s desk' }).innerText(),
    ).not.toContain('Users');
    await theirs.goto(`${server.url}/admin/users`);
    await theirs.getByRole('heading', { name: 'Not available to you' }).waitFor();
    expect(await theirs.locator('main').innerText()).toContain('you are signed in as editor');
    await expectNoAxeViolations(theirs);
  });

  it('changes a role; refuses to demote the last ADMIN, at the role', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin, '/admin/users');
    const graces = row(page, grace.email);
    await graces.waitFor();

    await graces.getByLabel('Role of Grace Hopper').selectOption('AUTHOR');
    await graces.getByRole('button', { name: 'Save the role of Grace Hopper' }).click();
    await expect.poll(() => status(page)).toBe('Grace Hopper is now author.');
    await expect.poll(async () => (await roles())['grace@example.org']).toBe('AUTHOR');
    expect(
      await graces.getByRole('button', { name: 'Save the role of Grace Hopper' }).isDisabled(),
    ).toBe(true);

    // Ada is the only ADMIN: asked first (it is her own role), then refused at the field.
    const me = row(page, admin.email);
    await me.getByLabel('Role of Ada Admin').selectOption('EDITOR');
    await me.getByRole('button', { name: 'Save the role of Ada Admin' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make yourself editor?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('You will no longer be able to manage users');
    await expectNoAxeViolations(page);
    await dialog.getByRole('button', { name: 'Yes, make me editor' }).click();
    const error = page.locator(
      `#${await me.getByLabel('Role of Ada Admin').getAttribute('id')}-error`,
    );
    await expect.poll(() => error.innerText()).toBe(LAST_ADMIN);
    expect(await me.getByLabel('Role of Ada Admin').getAttribute('aria-invalid')).toBe('true');
    // The focus is back on her role, whose description now carries the error.
    expect(
      await me.getByLabel('Role of Ada Admin').evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await expectNoAxeViolations(page);
    expect((await roles())[admin.email]).toBe('ADMIN');
  });

  it('on a phone: every user is a card that fits the screen', async () => {
    const { page, server } = session;
    await page.setViewportSize({ width: 375, height: 800 });
    await openDesk(page, server, admin, '/admin/users');
    await row(page, grace.email).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await expectNoAxeViolations(page);
  });

  it('demoting oneself with another ADMIN there: cancelled once, then confirmed, and the screen is gone', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin, '/admin/users');
    const graces = row(page, grace.email);
    await graces.waitFor();
    await graces.getByLabel('Role of Grace Hopper').selectOption('ADMIN');
    await graces.getByRole('button', { name: 'Save the role of Grace Hopper' }).click();
    await expect.poll(() => status(page)).toBe('Grace Hopper is now admin.');

    const me = row(page, admin.email);
    const select = me.getByLabel('Role of Ada Admin');
    await select.selectOption('AUTHOR');
    await me.getByRole('button', { name: 'Save the role of Ada Admin' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make yourself author?' });
    await dialog.waitFor();
    // Escape cancels: the row shows the role as it is, and has the focus back.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(() => select.inputValue()).toBe('ADMIN');
    await expect.poll(() => select.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await roles())[admin.email]).toBe('ADMIN');

    await select.selectOption('AUTHOR');
    await me.getByRole('button', { name: 'Save the role of Ada Admin' }).click();
    await dialog.getByRole('button', { name: 'Yes, make me author' }).click();
    // The desk asks the API who she is now: an author, who may not manage users.
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('you are signed in as author');
    expect(await page.getByRole('navigation', { name: 'Editor’s desk' }).innerText()).not.toContain(
      'Users',
    );
    const graceToken = await signInToken(server, grace);
    const data = await graphql<{ users: { edges: { node: { email: string; role: string } }[] } }>(
      server,
      '{ users { edges { node { email role } } } }',
      {},
      graceToken,
    );
    expect(
      Object.fromEntries(data.users.edges.map((e) => [e.node.email, e.node.role])),
    ).toMatchObject({ [admin.email]: 'AUTHOR', [grace.email]: 'ADMIN' });
  });
});
