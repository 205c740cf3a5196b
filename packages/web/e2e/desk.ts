import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { graphql, type TestUser } from './admin.js';
import { axeViolations, describeViolations } from './axe.js';
import type { RunningServer } from './server.js';

/** Signs in through the desk's form (from wherever the page is now: the sign-in screen). */
export async function signInWithForm(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel(/^Email/).fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens `path` of the desk signed in as `user` (through the sign-in screen it is sent to). */
export async function openDesk(
  page: Page,
  server: RunningServer,
  user: TestUser,
  path = '/admin/',
): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByRole('heading', { name: 'Sign in to the editor’s desk' }).waitFor();
  await signInWithForm(page, user);
  await page.locator('.adm-account__button', { hasText: new RegExp(user.role, 'i') }).waitFor();
}

/** The count on a status tab of a moderation queue, as shown. */
export async function tabCount(page: Page, status: string): Promise<string> {
  return (await page.locator(`[data-tab="${status}"] .adm-count`).innerText()).trim();
}

/** axe-core on the page as it is: no violations, or each one spelled out. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

/** A comment as a visitor sends it (a new commenter's is held). Its id. */
export async function submitComment(
  server: RunningServer,
  postId: string,
  authorName: string,
  content: string,
): Promise<string> {
  const data = await graphql<{
    submitComment: { status: string | null; comment: { id: string } | null; errors: unknown[] };
  }>(
    server,
    'mutation ($input: SubmitCommentInput!) { submitComment(input: $input) { status comment { id } errors { code message } } }',
    {
      input: {
        postId,
        authorName,
        authorEmail: `${authorName.toLowerCase().replace(/\W+/g, '.')}@example.org`,
        content,
      },
    },
  );
  if (!data.submitComment.comment) {
    throw new Error(`comment refused: ${JSON.stringify(data.submitComment.errors)}`);
  }
  return data.submitComment.comment.id;
}

/** A published post credited to the signed-in user of `token`. */
export async function publishedPost(
  server: RunningServer,
  token: string,
  title: string,
): Promise<{ id: string; slug: string }> {
  const created = await graphql<{
    createPost: { post: { id: string; slug: string } | null; errors: unknown[] };
  }>(
    server,
    'mutation ($input: CreatePostInput!) { createPost(input: $input) { post { id slug } errors { message } } }',
    { input: { title, content: `<p>${title}: the text.</p>`, commentsOpen: true } },
    token,
  );
  const post = created.createPost.post;
  if (!post) throw new Error(`post refused: ${JSON.stringify(created.createPost.errors)}`);
  await graphql(
    server,
    'mutation ($id: ID!) { publishPost(id: $id) { errors { message } } }',
    { id: post.id },
    token,
  );
  return post;
}

/** The seed post's id. */
export async function seedPostId(server: RunningServer, slug: string): Promise<string> {
  const data = await graphql<{ post: { id: string } | null }>(
    server,
    'query ($slug: String!) { post(slug: $slug) { id } }',
    { slug },
  );
  return data.post!.id;
}
