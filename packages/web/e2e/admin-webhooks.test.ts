// The desk's webhooks screens (ADMIN), in Chromium against the built server
// and a real receiver on 127.0.0.1: an endpoint is added (its secret shown
// once), a comment makes a delivery that verifies with that secret (the
// standardwebhooks library, as a receiver would), the log shows it, it is
// redelivered with the same webhook-id, the secret rotated, the endpoint
// disabled and deleted; a refused URL is answered at its field; an EDITOR
// is refused the screen.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  graphql,
  signInToken,
  updateDiscussionSettings,
  type TestUser,
} from './admin.js';
import { expectNoAxeViolations, openDesk, seedPostId, submitComment } from './desk.js';
import { SLUG } from './reader.js';
import { useBrowserSession } from './session.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver (node:http, not our code): records every request, answers 204. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Checks a request's signature with `secret` as a receiver would; its payload. */
function verified(secret: string, request: Received) {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  }) as { type: string; data: { comment: { authorName: string } } };
}

const FORBIDDEN =
  'The URL points at a private or reserved address; webhooks are only sent to public addresses.';

/** The text of the error shown under a field of the endpoint form. */
const fieldError = (page: Page, id: string) => page.locator(`#${id}-error`).innerText();

describe('webhooks in the desk', () => {
  // The receiver is on 127.0.0.1, which the SSRF guard refuses unless a test allows it.
  const session = useBrowserSession({ serverEnv: { COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH: '1' } });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: TestUser;
  let editor: TestUser;
  let seedId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    const server = session.server;
    if (!server) return;
    await updateDiscussionSettings(server, { minSecondsBetweenComments: 0 });
    admin = await createUser(server, 'admin', 'e2e-hooks-admin@example.org', 'Ada Admin');
    editor = await createUser(server, 'editor', 'e2e-hooks-editor@example.org', 'Edna Editor');
    seedId = await seedPostId(server, SLUG);
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it(
    'as an ADMIN: adds an endpoint (its secret shown once), sees a signed delivery in the log, redelivers it, rotates the secret, disables and deletes the endpoint',
    {
      timeout: 90_000,
    },
    async () => {
      const { page, context, server } = session;
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await openDesk(page, server, admin, '/admin/');
      await page
        .getByRole('navigation', { name: 'Editor’s desk' })
        .getByRole('link', { name: 'Webhooks' })
        .click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await expect
        .poll(() => page.locator('.adm-empty').innerText())
        .toBe('No webhook endpoints yet. Add one below to have events sent to it.');
      await expectNoAxeViolations(page);

      // Nothing filled in: the API says what is missing, at each field.
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect
        .poll(() => fieldError(page, 'adm-webhook-new-url'))
        .toBe('Please enter the URL that receives the webhooks, e.g. https://example.com/hooks.');
      expect(await page.locator('#adm-webhook-new-events-error').innerText()).toBe(
        'Choose at least one event to receive.',
      );
      // Focus goes to the first field named.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('adm-webhook-new-url');

      // The cloud metadata address: refused by the SSRF guard.
      const url = page.getByLabel(/^URL/);
      await url.fill('http://169.254.169.254/latest/meta-data/');
      await page.getByLabel('comment.created', { exact: true }).check();
      await page.getByLabel('comment.approved', { exact: true }).check();
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect.poll(() => fieldError(page, 'adm-webhook-new-url')).toBe(FORBIDDEN);
      expect(await url.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#adm-webhook-new-events-error').count()).toBe(0);
      await expectNoAxeViolations(page);

      const hookUrl = `${receiver.origin}/desk-hook`;
      await url.fill(hookUrl);
      await page.getByLabel(/^Description/).fill('Moderation bot');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secretField = page.getByLabel('Signing secret', { exact: true });
      await secretField.waitFor();
      const secret = await secretField.inputValue();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
      expect(await page.locator('.adm-secret').innerText()).toContain(
        'Copy the signing secret now: it is shown only once.',
      );
      // Focus is on the secret, selected; Copy puts it on the clipboard.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('adm-webhook-secret');
      await page.getByRole('button', { name: 'Copy' }).click();
      await expect
        .poll(() => page.locator('.adm-secret__copied').innerText())
        .toBe('Copied to the clipboard.');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      const listed = page.locator(`[data-endpoint="${hookUrl}"]`);
      await listed.waitFor();
      expect(await listed.innerText()).toContain('Moderation bot');
      expect(await listed.innerText()).toContain('comment.created, comment.approved');
      expect(await listed.innerText()).toContain('No deliveries yet.');
      // The form is empty again, for another endpoint.
      expect(await url.inputValue()).toBe('');
      await expectNoAxeViolations(page);

      // A comment: comment.created is sent, signed with the secret shown.
      await submitComment(server, seedId, 'Wanda Webhook', 'Does this reach the bot?');
      await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
      const first = receiver.received[0]!;
      const webhookId = String(first.headers['webhook-id']);
      expect(verified(secret, first)).toMatchObject({
        type: 'comment.created',
        data: { comment: { authorName: 'Wanda Webhook' } },
      });

      // Shown once: the list (reloaded) no longer has it; the endpoint's page has the delivery.
      await page.reload();
      await listed.waitFor();
      expect(await page.locator('#app').innerText()).not.toContain(secret);
      await expect
        .poll(() => listed.locator('[data-last-delivery]').innerText())
        .toContain('Last delivery: comment.created, delivered');
      await listed.getByRole('link', { name: hookUrl }).click();
      await page.getByRole('heading', { name: 'Webhook endpoint', level: 1 }).waitFor();
      const delivery = page.locator(`[data-delivery="${webhookId}"]`);
      await delivery.waitFor();
      await expect.poll(() => delivery.locator('[data-status]').innerText()).toBe('delivered');
      expect(await delivery.locator('[data-answer]').innerText()).toBe('HTTP 204');
      expect(await delivery.locator('[data-attempts]').innerText()).toBe('1 attempt');
      await delivery.getByText('Attempts and payload').click();
      expect(await delivery.locator('.adm-payload').innerText()).toContain(
        '"authorName": "Wanda Webhook"',
      );
      expect(await delivery.locator('.adm-attempts tbody').innerText()).toContain('HTTP 204');
      await expectNoAxeViolations(page);

      // Redeliver: the same message (same webhook-id) again, and the log counts the attempt.
      await delivery.getByRole('button', { name: /^Redeliver comment\.created/ }).click();
      await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(2);
      const again = receiver.received[1]!;
      expect(again.headers['webhook-id']).toBe(webhookId);
      expect(again.body).toBe(first.body);
      expect(verified(secret, again).type).toBe('comment.created');
      await expect
        .poll(() => delivery.locator('[data-attempts]').innerText(), { timeout: 10_000 })
        .toBe('2 attempts');
      expect(await delivery.locator('[data-status]').innerText()).toBe('delivered');

      // Rotate, after a confirmation: the new secret is shown once and signs from then on.
      await page.getByRole('button', { name: 'Rotate secret…' }).click();
      const rotateDialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
      await rotateDialog.waitFor();
      await expectNoAxeViolations(page);
      await rotateDialog.getByRole('button', { name: 'Rotate secret' }).click();
      const newSecretField = page.getByLabel('New signing secret', { exact: true });
      await newSecretField.waitFor();
      const rotated = await newSecretField.inputValue();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await delivery.getByRole('button', { name: /^Redeliver/ }).click();
      await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(3);
      const third = receiver.received[2]!;
      expect(third.headers['webhook-id']).toBe(webhookId);
      expect(verified(rotated, third).type).toBe('comment.created');
      expect(() => verified(secret, third)).toThrow();

      // A refused URL in the edit form, at its field; nothing is changed.
      const editUrl = page.locator('#adm-webhook-edit-url');
      await editUrl.fill('http://10.0.0.8/hooks');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => fieldError(page, 'adm-webhook-edit-url')).toBe(FORBIDDEN);
      await expectNoAxeViolations(page);
      const token = await signInToken(server, admin);
      const stored = () =>
        graphql<{ webhookEndpoints: { url: string; enabled: boolean; events: string[] }[] }>(
          server,
          '{ webhookEndpoints { url enabled events } }',
          {},
          token,
        ).then((d) => d.webhookEndpoints);
      expect(await stored()).toEqual([
        { url: hookUrl, enabled: true, events: ['COMMENT_CREATED', 'COMMENT_APPROVED'] },
      ]);

      // Disabled, with one more event: saved; no Redeliver while it is disabled.
      await editUrl.fill(hookUrl);
      await page.locator('#adm-webhook-edit-enabled').uncheck();
      await page.getByLabel('linkback.received', { exact: true }).check();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect
        .poll(() => page.locator('.adm-webhook-summary .adm-badge').innerText())
        .toBe('disabled');
      expect(await stored()).toEqual([
        {
          url: hookUrl,
          enabled: false,
          events: ['COMMENT_CREATED', 'COMMENT_APPROVED', 'LINKBACK_RECEIVED'],
        },
      ]);
      expect(await delivery.getByRole('button', { name: /^Redeliver/ }).count()).toBe(0);

      // On a phone: nothing wider than the screen.
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      );
      await expectNoAxeViolations(page);

      // Delete: Escape keeps it; confirming deletes it and goes back to the list.
      await page.getByRole('button', { name: 'Delete endpoint…' }).click();
      const deleteDialog = page.getByRole('dialog', { name: 'Delete this endpoint?' });
      await deleteDialog.waitFor();
      await page.keyboard.press('Escape');
      await deleteDialog.waitFor({ state: 'hidden' });
      expect(await stored()).toHaveLength(1);
      await page.getByRole('button', { name: 'Delete endpoint…' }).click();
      await deleteDialog.getByRole('button', { name: 'Delete endpoint' }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/admin/webhooks');
      expect(await page.locator('.adm-notice').innerText()).toBe(`Endpoint ${hookUrl} deleted.`);
      await expect
        .poll(() => page.locator('.adm-empty').innerText())
        .toBe('No webhook endpoints yet. Add one below to have events sent to it.');
      expect(await stored()).toEqual([]);
      await expectNoAxeViolations(page);
      // Said once: a reload does not say it again.
      await page.reload();
      await page.locator('.adm-empty').waitFor();
      expect(await page.locator('.adm-notice').count()).toBe(0);
    },
  );

  it('as an ADMIN: an endpoint that does not exist (deleted, or a mistyped address) says so', async () => {
    const { page, server } = session;
    await openDesk(page, server, admin, '/admin/webhooks/999');
    await expect
      .poll(() => page.locator('.adm-empty').innerText())
      .toBe('There is no webhook endpoint with this id: it may have been deleted.');
    await page.getByRole('link', { name: '← All webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await expectNoAxeViolations(page);
  });

  it('as an EDITOR: no Webhooks link, and the screen says it is not for them', async () => {
    const { page, server } = session;
    await openDesk(page, server, editor, '/admin/webhooks');
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    expect(await page.locator('#adm-main').innerText()).toContain('you are signed in as editor');
    expect(await page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    // The endpoint screen too, and the API refuses them regardless.
    await page.goto(`${server.url}/admin/webhooks/1`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    await expectNoAxeViolations(page);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await signInToken(server, editor)}`,
      },
      body: JSON.stringify({ query: '{ webhookEndpoints { id } }' }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
