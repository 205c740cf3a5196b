import type { Page } from 'playwright-core';

/** The seed post (packages/api's first migration). */
export const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
export const TITLE = 'Social media surgery for mental health #smsmhealth';
/** Author of the seed's one approved comment. */
export const SEED_COMMENTER = 'Sam Hughes';

/** Resolves once Vue has hydrated the server's HTML (mount sets #app.__vue_app__). */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const app = document.getElementById('app') as (HTMLElement & { __vue_app__?: unknown }) | null;
    return Boolean(app?.__vue_app__);
  });
}

/**
 * Scrolls to the thread and resolves once it is live: the thread and its form
 * are a separate chunk, hydrated as they come into view (PostPage.vue), and
 * mark their section data-interactive then. Before that, Reply is a plain link.
 */
export async function threadHydrated(page: Page): Promise<void> {
  await page.locator('#comments').scrollIntoViewIfNeeded();
  await page.locator('#comments[data-interactive]').waitFor();
}

export interface CommentFields {
  content: string;
  authorName: string;
  authorEmail?: string;
}

/** Types a comment into the (only) comment form on the page. */
export async function fillComment(page: Page, fields: CommentFields): Promise<void> {
  await page.getByLabel(/^Comment/).fill(fields.content);
  await page.getByLabel(/^Name/).fill(fields.authorName);
  if (fields.authorEmail !== undefined) await page.getByLabel(/^Email/).fill(fields.authorEmail);
}
