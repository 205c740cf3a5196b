import { describe, expect, it } from 'vitest';
import { useBrowserSession } from './session.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const TITLE = 'Social media surgery for mental health #smsmhealth';

const session = useBrowserSession();

describe('the seed post in Chromium', () => {
  it('shows the post, its share bar, the comment, the pingbacks and the comment form', async () => {
    const response = await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    expect(response?.status()).toBe(200);
    await expect
      .poll(() => session.page.getByRole('heading', { level: 1 }).textContent())
      .toBe(TITLE);
    expect(await session.page.title()).toContain(TITLE);

    const article = await session.page.locator('main').innerText();
    expect(article).toContain('Today was our first ever social media surgery');
    expect(article).toContain('Hopefully the start of something good.');
    expect(article).toContain('@leedswellweb');
    expect(article).toContain('Victoria Betton');
    expect(article).toContain('smsmhealth');

    const labels = [
      'Tweet about this on Twitter',
      'Share on Reddit',
      'Share on Tumblr',
      'Share on LinkedIn',
      'Share on Facebook',
      'Pin on Pinterest',
    ];
    for (const label of labels) {
      const link = session.page.getByRole('link', { name: label });
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toContain('noopener');
      expect(await link.getAttribute('href')).toMatch(/^https:\/\//);
    }
    expect(await session.page.getByRole('link', { name: /Google\+|Flattr/ }).count()).toBe(0);
    expect(
      await session.page.getByRole('link', { name: 'Share on Reddit' }).getAttribute('href'),
    ).toContain(encodeURIComponent(`/posts/${SLUG}`));

    expect(await session.page.getByRole('heading', { name: '1 Comment' }).count()).toBe(1);
    expect(article).toContain('Sound pretty much like a Social Media Surgery to me');

    expect(await session.page.getByRole('heading', { name: 'Trackbacks/Pingbacks' }).count()).toBe(
      1,
    );
    expect(
      await session.page
        .getByRole('link', {
          name: /Using social media for professional development at the Leeds #SMSmhealth/,
        })
        .count(),
    ).toBe(1);
    expect(article).toContain('blogged about here by the lovely @victoriabetton');
    expect(article).toContain('Not a jolly | The Sociable Organisation');

    expect(await session.page.getByRole('heading', { name: 'Submit a Comment' }).count()).toBe(1);
    expect(article).toContain(
      'Your email address will not be published. Required fields are marked *',
    );
    for (const field of [/^Comment/, /^Name/, /^Email/, /^Website/]) {
      expect(await session.page.getByLabel(field).count()).toBe(1);
    }
  });

  it('submits a reply and shows it to its author as awaiting moderation', async () => {
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    await session.page
      .getByRole('link', { name: /^Reply/ })
      .first()
      .click();
    await expect
      .poll(() =>
        session.page
          .getByText(/Replying to Sam Hughes/)
          .first()
          .isVisible(),
      )
      .toBe(true);

    await session.page.getByLabel(/^Comment/).fill('Agreed — and the surgery bit can follow.');
    await session.page.getByLabel(/^Name/).fill('Rosa Reader');
    await session.page.getByLabel(/^Email/).fill('rosa@example.org');
    await session.page.getByRole('button', { name: 'Post Comment' }).click();

    await expect
      .poll(() =>
        session.page.getByText('Your comment is awaiting moderation.').first().isVisible(),
      )
      .toBe(true);
    expect(await session.page.locator('main').innerText()).toContain(
      'Agreed — and the surgery bit can follow.',
    );
    // Readers still see one approved comment.
    expect(await session.page.getByRole('heading', { name: '1 Comment' }).count()).toBe(1);

    // A fresh visit (another reader) does not see the pending reply.
    const other = await session.context.newPage();
    await other.goto(`${session.server.url}/posts/${SLUG}`);
    await expect.poll(() => other.getByRole('heading', { level: 1 }).count()).toBe(1);
    expect(await other.locator('main').innerText()).not.toContain('the surgery bit can follow');
  });

  it('shows a missing email at its field and sends nothing', async () => {
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    let sent = 0;
    session.page.on('request', (r) => {
      if (r.method() === 'POST' && r.postData()?.includes('SubmitComment')) sent++;
    });
    await session.page.getByLabel(/^Comment/).fill('No email here');
    await session.page.getByLabel(/^Name/).fill('Nobody');
    await session.page.getByRole('button', { name: 'Post Comment' }).click();
    const email = session.page.getByLabel(/^Email/);
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    const message = await session.page.locator(`[id="${describedBy.split(' ')[0]}"]`).innerText();
    expect(message).toMatch(/email/i);
    expect(sent).toBe(0);
  });

  it("shows the server's answer at the field when only the server can tell", async () => {
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    await session.page.getByLabel(/^Comment/).fill('Hello');
    await session.page.getByLabel(/^Name/).fill('Hyphen');
    await session.page.getByLabel(/^Email/).fill('someone@-bad-.example');
    await session.page.getByRole('button', { name: 'Post Comment' }).click();
    const email = session.page.getByLabel(/^Email/);
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await session.page.locator('main').innerText()).toContain(
      'Please enter a valid email address',
    );
  });

  it('shows a not-found page, with HTTP 404, for an unknown slug', async () => {
    const response = await session.page.goto(`${session.server.url}/posts/no-such-post`);
    expect(response?.status()).toBe(404);
    await expect
      .poll(() => session.page.getByRole('heading', { name: 'Page not found' }).count())
      .toBe(1);
  });

  it('lists the post on the home page and links to it', async () => {
    await session.page.goto(`${session.server.url}/`);
    await session.page.getByRole('link', { name: TITLE }).click();
    await session.page.waitForURL(`**/posts/${SLUG}`);
    await expect
      .poll(() => session.page.getByRole('heading', { level: 1 }).textContent())
      .toBe(TITLE);
  });

  it('says so when the API cannot be reached on a later page, and recovers on retry', async () => {
    // The post page itself comes rendered from the server; the home page's
    // list is fetched from the API when the reader goes there in the app.
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    await session.page.route('**/graphql', (route) => route.abort('connectionrefused'));
    await session.page.getByRole('banner').getByRole('link', { name: 'Colloquy' }).click();
    const retry = session.page.getByRole('button', { name: /try again/i });
    await expect.poll(() => retry.count()).toBe(1);
    await session.page.unroute('**/graphql');
    await retry.click();
    await expect.poll(() => session.page.getByRole('link', { name: TITLE }).count()).toBe(1);
  });

  it('is readable on a phone: nothing overflows a 375px viewport', async () => {
    await session.page.setViewportSize({ width: 375, height: 800 });
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    await expect.poll(() => session.page.getByRole('heading', { level: 1 }).count()).toBe(1);
    const overflow = await session.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    if (process.env.COLLOQUY_SCREENSHOTS) {
      await session.page.screenshot({
        path: `${process.env.COLLOQUY_SCREENSHOTS}/post-phone.png`,
        fullPage: true,
      });
      await session.page.setViewportSize({ width: 1280, height: 900 });
      await session.page.screenshot({
        path: `${process.env.COLLOQUY_SCREENSHOTS}/post-desktop.png`,
        fullPage: true,
      });
    }
  });

  it('has a honeypot field that people, keyboards and screen readers never meet', async () => {
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    const form = session.page.locator('form').last();
    await expect.poll(() => form.getByRole('textbox').count()).toBe(4);
    const trap = form.locator('input[name="homepage"]');
    expect(await trap.count()).toBe(1);
    const box = await trap.boundingBox();
    expect(box === null || box.x + box.width <= 0).toBe(true);
    // Tab goes from the last visible field straight to the button.
    await session.page.getByLabel(/^Website/).focus();
    await session.page.keyboard.press('Tab');
    expect(await session.page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Post Comment',
    );
  });

  it('shows a form-level refusal from the server above the form', async () => {
    await session.page.goto(`${session.server.url}/posts/${SLUG}`);
    const send = async () => {
      await session.page.getByLabel(/^Comment/).fill('Twice is once too often.');
      await session.page.getByLabel(/^Name/).fill('Eager Reader');
      await session.page.getByLabel(/^Email/).fill('eager@example.org');
      await session.page.getByRole('button', { name: 'Post Comment' }).click();
    };
    // The first may already be too soon after an earlier test's comment from
    // this address; the second is refused either way: DUPLICATE or RATE_LIMITED.
    await send();
    await expect
      .poll(() => session.page.getByRole('button', { name: 'Post Comment' }).isEnabled())
      .toBe(true);
    await send();
    const alert = session.page.locator('form .form-errors[role="alert"]');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.innerText()).toMatch(
      /You have already posted this comment\.|You are commenting too quickly\. Please wait \d+ seconds?/,
    );
    // Above the fields.
    const above = await session.page.evaluate(() => {
      const errors = document.querySelector('form .form-errors');
      const content = document.querySelector('form textarea[name="content"]');
      return (
        !!errors &&
        !!content &&
        !!(errors.compareDocumentPosition(content) & Node.DOCUMENT_POSITION_FOLLOWING)
      );
    });
    expect(above).toBe(true);
  });
});
