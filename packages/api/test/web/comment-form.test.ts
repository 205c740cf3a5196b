// The comment form without JavaScript: a urlencoded POST to the post's own
// address, answered 303 (stored) or 422 (the page again, with the errors at
// their fields), as a browser with JavaScript off sends it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsNull, Not } from 'typeorm';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { seedComments } from '../../src/seed/smsmhealth.js';
import { insertPost, setDiscussionSettings } from '../support/fixtures.js';
import {
  byClass,
  byId,
  byTag,
  commentForm,
  commentForms,
  commentIds,
  commentItem,
  contains,
  DATA_SCRIPT,
  formField,
  formValues,
  getPage,
  links,
  parsePage,
  scriptJson,
  siteSigner,
  text,
  type HtmlPage,
} from '../support/html.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

/** What a page anyone would be sent the same says to caches (see src/cache/http-cache.ts). */
const PUBLIC_PAGE = 'public, max-age=0, s-maxage=10, stale-while-revalidate=60';

const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const KNOWN_EMAIL = seedComments[0]!.authorEmail;
const FORM_EXPIRED =
  'This form is too old to be sent (or did not come from this site). Your comment is below: please send it again.';
const HOUR = 3600_000;

interface FormResponse {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
  setCookie: string[];
}

/** A Set-Cookie header: its name, value and attributes (names lower-cased). */
function parseSetCookie(header: string) {
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  const eq = pair!.indexOf('=');
  return {
    name: pair!.slice(0, eq),
    value: decodeURIComponent(pair!.slice(eq + 1)),
    attributes: new Map(
      attributes.map((a) => {
        const [k, ...v] = a.split('=');
        return [k!.toLowerCase(), v.join('=')] as const;
      }),
    ),
  };
}

describe.each(databaseKinds())('the comment form without JavaScript on %s', (kind) => {
  let server: TestServer;
  let seedPost: PostRow;
  let seedComment: CommentRow;
  let counter = 0;

  beforeAll(async () => {
    server = await startServer(kind);
    // Many posts from 127.0.0.1 in quick succession; the flood rule has a test of its own.
    await setDiscussionSettings(server.db, { minSecondsBetweenComments: 0 });
    seedPost = await server.repo<PostRow>('Post').findOneByOrFail({ slug: SEED_SLUG });
    seedComment = await server.repo<CommentRow>('Comment').findOneByOrFail({ postId: seedPost.id });
  });
  afterAll(() => server?.close());

  const comments = () => server.repo<CommentRow>('Comment');
  const countComments = () => comments().count();
  const freshEmail = () => `form${++counter}@example.net`;
  const addPost = () => insertPost(server.db, { slug: `form-${kind}-${++counter}` });
  const page = (path: string, headers?: Record<string, string>) =>
    getPage(server.url, path, headers);

  /** The form token the post's page renders, as a browser would send it back. */
  async function tokenOf(slug: string): Promise<string> {
    return formValues(commentForm(await page(`/posts/${slug}`))).form_token!;
  }

  /** Posts the form; `fields` fill in a valid new comment from a new email by default. */
  async function send(
    slug: string,
    fields: Record<string, string | null> = {},
    options: { headers?: Record<string, string>; query?: string; body?: string } = {},
  ): Promise<FormResponse> {
    const values: Record<string, string | null> = {
      form_token: 'form_token' in fields ? null : await tokenOf(slug),
      content: 'A comment sent without JavaScript.',
      authorName: 'Nora Script',
      authorEmail: freshEmail(),
      authorUrl: '',
      homepage: '',
      ...fields,
    };
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) if (v !== null) body.set(k, v);
    const res = await fetch(`${server.url}/posts/${slug}${options.query ?? ''}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        ...options.headers,
      },
      body: options.body ?? body.toString(),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: await res.text(),
      location: res.headers.get('location'),
      setCookie: res.headers.getSetCookie(),
    };
  }

  /** The pending cookie a 303 set, as the browser sends it back. */
  function pendingCookie(res: FormResponse): string {
    expect(res.setCookie).toHaveLength(1);
    const cookie = parseSetCookie(res.setCookie[0]!);
    expect(cookie.name).toBe('colloquy_pending');
    return `colloquy_pending=${cookie.value}`;
  }

  /** A 303 to the new comment: its stored row. */
  async function stored(res: FormResponse, slug: string, query = ''): Promise<CommentRow> {
    expect(res.status, res.body).toBe(303);
    const match = new RegExp(`^/posts/${slug}${query.replace('?', '\\?')}#comment-(\\d+)$`).exec(
      res.location ?? '',
    );
    expect(match, `Location: ${res.location}`).not.toBeNull();
    return comments().findOneByOrFail({ id: Number(match![1]) });
  }

  /** A refusal that re-renders the page (422): nothing stored, the page parsed. */
  async function refusedPage(
    slug: string,
    fields: Record<string, string | null>,
    options?: Parameters<typeof send>[2],
  ): Promise<HtmlPage> {
    const before = await countComments();
    const res = await send(slug, fields, options);
    expect(res.status, res.body).toBe(422);
    expect(res.setCookie).toEqual([]);
    expect(await countComments()).toBe(before);
    const html = parsePage(res.status, res.headers, res.body);
    expect(html.headers.get('cache-control')).toBe('private, no-store');
    return html;
  }

  /** A refusal before any page (403, 400, 4xx): nothing stored, never a server error. */
  async function refusedOutright(
    slug: string,
    fields: Record<string, string | null>,
    options?: Parameters<typeof send>[2],
  ): Promise<FormResponse> {
    const before = await countComments();
    const res = await send(slug, fields, options);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.setCookie).toEqual([]);
    expect(await countComments()).toBe(before);
    return res;
  }

  const formErrors = (html: HtmlPage) => byClass(commentForm(html), 'form-errors').map(text);

  describe('a comment held for moderation', () => {
    it('answers 303 to the comment, with a pending cookie that holds neither the email nor the name', async () => {
      const post = await addPost();
      const email = freshEmail();
      const res = await send(post.slug, { authorEmail: email, authorName: 'Penelope Pending' });
      const row = await stored(res, post.slug);
      expect(row).toMatchObject({
        postId: post.id,
        status: 'PENDING',
        authorName: 'Penelope Pending',
        authorEmail: email,
        contentText: 'A comment sent without JavaScript.',
        parentId: null,
        ip: expect.any(String),
      });
      expect(res.headers.get('cache-control')).toBe('no-store');

      const cookie = parseSetCookie(res.setCookie[0]!);
      expect(res.setCookie).toHaveLength(1);
      expect(cookie.name).toBe('colloquy_pending');
      expect(cookie.value).toMatch(new RegExp(`^${row.id}\\.`));
      expect(cookie.value).not.toContain(email);
      expect(cookie.value).not.toContain('form');
      expect(cookie.value).not.toContain('Penelope');
      expect(cookie.attributes.get('path')).toBe('/posts/');
      expect(cookie.attributes.has('httponly')).toBe(true);
      expect(cookie.attributes.get('samesite')).toBe('Lax');
      expect(cookie.attributes.get('max-age')).toBe('7200');
      // The site's public URL is https.
      expect(TEST_PUBLIC_URL.startsWith('https:')).toBe(true);
      expect(cookie.attributes.has('secure')).toBe(true);
    });

    it('shows the submitter their comment, awaiting moderation, on a private page; no one else', async () => {
      const post = await addPost();
      const res = await send(post.slug, { content: 'Mine alone for now.' });
      const row = await stored(res, post.slug);
      const cookie = pendingCookie(res);

      const mine = await page(`/posts/${post.slug}`, { cookie });
      expect(mine.status).toBe(200);
      expect(mine.headers.get('cache-control')).toBe('private, no-store');
      expect(commentIds(mine)).toEqual([row.id]);
      const item = commentItem(mine, row.id);
      expect(text(item)).toContain('Your comment is awaiting moderation.');
      expect(text(item)).toContain('Mine alone for now.');
      expect(text(item)).toContain('Nora Script');
      expect(links(item).map((l) => l.text)).not.toContain('Reply');
      // The public count is of approved comments.
      expect(text(byTag(byId(mine.app, 'comments'), 'h2')[0]!)).toBe('No comments yet');
      expect(mine.html).not.toContain(row.authorEmail);

      const anonymous = await page(`/posts/${post.slug}`);
      expect(anonymous.headers.get('cache-control')).toBe(PUBLIC_PAGE);
      expect(commentIds(anonymous)).toEqual([]);
      expect(anonymous.html).not.toContain('Mine alone for now.');

      // Changed anywhere, the cookie shows nothing: its MAC, its ids, its expiry.
      const [ids, expires, mac] = cookie.slice('colloquy_pending='.length).split('.') as [
        string,
        string,
        string,
      ];
      const flip = (c: string) => (c === 'A' ? 'B' : 'A');
      const later = (Number.parseInt(expires, 36) + 3600).toString(36);
      for (const value of [
        `${ids}.${expires}.${flip(mac[0]!)}${mac.slice(1)}`,
        `${seedComment.id}-${ids}.${expires}.${mac}`,
        `${ids}.${later}.${mac}`,
        `${ids}.${expires}`,
        ids,
      ]) {
        const forged = await page(`/posts/${post.slug}`, { cookie: `colloquy_pending=${value}` });
        expect(forged.status).toBe(200);
        expect(forged.headers.get('cache-control'), value).toBe(PUBLIC_PAGE);
        expect(commentIds(forged), value).toEqual([]);
        expect(forged.html).not.toContain('Mine alone for now.');
      }
    });

    it('remembers each pending comment the visitor sends, in one cookie', async () => {
      const post = await addPost();
      const first = await send(post.slug, { content: 'First of two.' });
      const one = await stored(first, post.slug);
      const second = await send(
        post.slug,
        { content: 'Second of two.' },
        { headers: { cookie: pendingCookie(first) } },
      );
      const two = await stored(second, post.slug);
      const cookie = pendingCookie(second);
      expect(cookie).toMatch(new RegExp(`=${one.id}-${two.id}\\.`));
      expect(commentIds(await page(`/posts/${post.slug}`, { cookie }))).toEqual([one.id, two.id]);
    });

    it('files a filled-in honeypot as spam but tells the sender the same as for a pending comment', async () => {
      const post = await addPost();
      const res = await send(post.slug, {
        content: 'Buy things.',
        homepage: 'https://spam.example',
      });
      const row = await stored(res, post.slug);
      expect(row.status).toBe('SPAM');
      const cookie = pendingCookie(res);
      const mine = await page(`/posts/${post.slug}`, { cookie });
      expect(text(commentItem(mine, row.id))).toContain('Your comment is awaiting moderation.');
      expect(mine.html).not.toMatch(/spam/i);
      expect(commentIds(await page(`/posts/${post.slug}`))).toEqual([]);
    });

    it('goes back to the thread page the form was on', async () => {
      const post = await addPost();
      const res = await send(post.slug, {}, { query: '?comments=abc' });
      await stored(res, post.slug, '?comments=abc');
    });
  });

  it('publishes a comment from a known commenter at once: 303 without a cookie, in the thread for everyone', async () => {
    const post = await addPost();
    const res = await send(post.slug, {
      authorEmail: KNOWN_EMAIL,
      authorName: 'Sam Hughes',
      authorUrl: 'https://sam.example.org/',
      content: 'Published straight away.',
    });
    const row = await stored(res, post.slug);
    expect(row.status).toBe('APPROVED');
    expect(res.setCookie).toEqual([]);

    const html = await page(`/posts/${post.slug}`);
    expect(html.headers.get('cache-control')).toBe(PUBLIC_PAGE);
    expect(commentIds(html)).toEqual([row.id]);
    const item = commentItem(html, row.id);
    expect(text(item)).toContain('Published straight away.');
    expect(text(item)).not.toContain('awaiting moderation');
    expect(links(item)).toContainEqual({ href: 'https://sam.example.org/', text: 'Sam Hughes' });
    expect(text(byTag(byId(html.app, 'comments'), 'h2')[0]!)).toBe('1 Comment');
    expect(html.html).not.toContain(KNOWN_EMAIL);
  });

  describe('replies', () => {
    it('opens the reply form under the comment for ?replytocom=<id>', async () => {
      const html = await page(`/posts/${SEED_SLUG}?replytocom=${seedComment.id}`);
      expect(html.status).toBe(200);
      const item = commentItem(html, seedComment.id);
      const form = commentForm(html);
      expect(contains(item, form)).toBe(true);
      const respond = byId(html.app, 'respond');
      expect(contains(item, respond)).toBe(true);
      expect(text(respond)).toContain('Replying to Sam Hughes');
      expect(links(respond)).toContainEqual({
        href: `/posts/${SEED_SLUG}#respond`,
        text: 'Cancel reply',
      });
      expect(form.attribs.action).toBe(`/posts/${SEED_SLUG}?replytocom=${seedComment.id}#respond`);
      expect(formValues(form)).toMatchObject({ parent_id: String(seedComment.id) });
      expect(byTag(form, 'input', { type: 'hidden', name: 'parent_id' })).toHaveLength(1);
      // The Reply link says its form is open.
      const reply = byClass(item, 'comment__reply')[0]!;
      expect(reply.attribs['aria-expanded']).toBe('true');
    });

    it('ignores ?replytocom for a comment that is not in the thread', async () => {
      const html = await page(`/posts/${SEED_SLUG}?replytocom=999999`);
      expect(html.status).toBe(200);
      expect(contains(byId(html.app, 'comments'), commentForm(html))).toBe(true);
      expect(text(html.app)).not.toContain('Replying to');
      expect(formValues(commentForm(html)).parent_id).toBeUndefined();
    });

    it('stores a reply under its parent and shows it there', async () => {
      const res = await send(
        SEED_SLUG,
        { parent_id: String(seedComment.id), content: 'A reply without JavaScript.' },
        { query: `?replytocom=${seedComment.id}` },
      );
      const row = await stored(res, SEED_SLUG);
      expect(row).toMatchObject({ parentId: seedComment.id, depth: 1, status: 'PENDING' });
      const html = await page(`/posts/${SEED_SLUG}`, { cookie: pendingCookie(res) });
      const reply = commentItem(html, row.id);
      expect(reply.parentNode?.parentNode).toBe(commentItem(html, seedComment.id));
      expect(text(reply)).toContain('A reply without JavaScript.');
      expect(text(reply)).toContain('Your comment is awaiting moderation.');
    });
  });

  describe('refused input', () => {
    it('answers 422 with the page again: the errors at their fields, the typed values kept', async () => {
      const post = await addPost();
      const longName = 'N'.repeat(246);
      const html = await refusedPage(post.slug, {
        authorEmail: '',
        authorName: longName,
        authorUrl: 'https://kept.example/',
        content: 'Kept <text> & "quotes"\nover two lines',
      });
      expect(html.status).toBe(422);
      const form = commentForm(html);
      const email = formField(form, 'authorEmail');
      expect(email.invalid).toBe(true);
      expect(email.error).toBe('Please enter your email address.');
      expect(email.control.attribs['aria-describedby']).toContain(
        `${email.control.attribs.id}-error`,
      );
      const name = formField(form, 'authorName');
      expect(name.invalid).toBe(true);
      expect(name.error).toBe('Your name can be at most 245 characters long.');
      for (const valid of ['content', 'authorUrl']) {
        expect(formField(form, valid)).toMatchObject({ invalid: false, error: null });
      }
      expect(formValues(form)).toMatchObject({
        content: 'Kept <text> & "quotes"\nover two lines',
        authorName: longName,
        authorEmail: '',
        authorUrl: 'https://kept.example/',
      });
      // A fresh token, so the corrected form can be sent.
      expect(formValues(form).form_token).toMatch(/^[0-9a-z]+\.[\w-]{43}$/);
      // The rest of the page is the post page.
      expect(text(byTag(html.app, 'h1')[0]!)).toBe(post.title);
      // The browser's copy of the page state has the same form, for hydration.
      const data = scriptJson<{ page: { commentForm: { errors: { field: string }[] } } }>(
        html.html,
        DATA_SCRIPT,
      );
      expect(data.page.commentForm.errors.map((e) => e.field).sort()).toEqual([
        'authorEmail',
        'authorName',
      ]);
    });

    it('keeps a refused reply under the comment replied to', async () => {
      const html = await refusedPage(
        SEED_SLUG,
        { parent_id: String(seedComment.id), content: '' },
        { query: `?replytocom=${seedComment.id}` },
      );
      const form = commentForm(html);
      expect(contains(commentItem(html, seedComment.id), form)).toBe(true);
      expect(formField(form, 'content').error).toBe('Please write a comment.');
      expect(formValues(form).parent_id).toBe(String(seedComment.id));
    });

    it.each([
      ['missing', null],
      ['empty', ''],
      ['forged', `${Math.floor(Date.now() / HOUR).toString(36)}.${'A'.repeat(43)}`],
      ['malformed', 'not-a-token'],
    ])('refuses a %s form token with the form-level message, values kept', async (_, token) => {
      const post = await addPost();
      const html = await refusedPage(post.slug, {
        form_token: token,
        content: 'Still here after the refusal.',
        authorName: 'Tilly Token',
      });
      expect(formErrors(html)).toEqual([FORM_EXPIRED]);
      expect(formValues(commentForm(html))).toMatchObject({
        content: 'Still here after the refusal.',
        authorName: 'Tilly Token',
      });
    });

    it('refuses a form token of another post, and one older than 48 hours', async () => {
      const post = await addPost();
      const other = await tokenOf(SEED_SLUG);
      expect(formErrors(await refusedPage(post.slug, { form_token: other }))).toEqual([
        FORM_EXPIRED,
      ]);
      const old = await siteSigner(server.db, () => Date.now() - 49 * HOUR);
      expect(
        formErrors(await refusedPage(post.slug, { form_token: old.formToken(post.id) })),
      ).toEqual([FORM_EXPIRED]);
      // One from a day ago is still good.
      const yesterday = await siteSigner(server.db, () => Date.now() - 24 * HOUR);
      await stored(await send(post.slug, { form_token: yesterday.formToken(post.id) }), post.slug);
    });

    it('refuses a duplicate comment with the duplicate message', async () => {
      const post = await addPost();
      const fields = { authorEmail: freshEmail(), content: 'Said once.' };
      await stored(await send(post.slug, fields), post.slug);
      const html = await refusedPage(post.slug, fields);
      expect(formErrors(html)).toEqual(['You have already posted this comment.']);
      expect(formValues(commentForm(html)).content).toBe('Said once.');
    });

    it('applies the flood interval to form posts', async () => {
      // Earlier comments from this address out of the window.
      await comments().update(
        { ip: Not(IsNull()) },
        { createdAt: new Date(Date.now() - 2 * HOUR) },
      );
      await setDiscussionSettings(server.db, { minSecondsBetweenComments: 600 });
      try {
        const post = await addPost();
        await stored(await send(post.slug), post.slug);
        const html = await refusedPage(post.slug, { content: 'Too soon after the last one.' });
        expect(formErrors(html)).toHaveLength(1);
        expect(formErrors(html)[0]).toMatch(
          /^You are commenting too quickly\. Please wait \d+ seconds? and try again\.$/,
        );
      } finally {
        await setDiscussionSettings(server.db, { minSecondsBetweenComments: 0 });
      }
    });

    it('refuses a reply to a comment of another post, with the message above the form', async () => {
      const post = await addPost();
      const html = await refusedPage(post.slug, { parent_id: String(seedComment.id) });
      expect(formErrors(html)).toEqual([
        'The comment you are replying to belongs to another post.',
      ]);
      expect(contains(byId(html.app, 'comments'), commentForm(html))).toBe(true);
      expect(text(html.app)).not.toContain('Replying to');
    });

    it('refuses a comment on a post whose comments are closed', async () => {
      const post = await insertPost(server.db, { slug: `closed-${kind}`, commentsOpen: false });
      const before = await countComments();
      // The page has no form; its token is the one it had while comments were open.
      const token = (await siteSigner(server.db)).formToken(post.id);
      const res = await send(post.slug, { content: 'Too late.', form_token: token });
      expect(res.status).toBe(422);
      expect(await countComments()).toBe(before);
      const html = parsePage(res.status, res.headers, res.body);
      expect(text(byId(html.app, 'comments'))).toContain('Comments are closed.');
      expect(commentForms(html)).toEqual([]);
    });

    it('answers 404 for a post that does not take comments because it does not exist', async () => {
      const before = await countComments();
      const res = await fetch(`${server.url}/posts/no-such-post`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ content: 'x', authorName: 'x', authorEmail: 'x@x.org' }),
      });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Page not found');
      expect(await countComments()).toBe(before);
    });
  });

  describe('requests refused before the form is read', () => {
    it('refuses a post from another site (Sec-Fetch-Site) with 403', async () => {
      const post = await addPost();
      for (const site of ['cross-site', 'same-site']) {
        const res = await refusedOutright(post.slug, {}, { headers: { 'sec-fetch-site': site } });
        expect(res.status).toBe(403);
        expect(res.body).toContain('sent from another site');
      }
    });

    it('refuses a post whose Origin is another site with 403, and takes one from this site', async () => {
      const post = await addPost();
      for (const origin of ['https://evil.example', 'null', 'http://blog.example.org']) {
        const res = await refusedOutright(post.slug, {}, { headers: { origin } });
        expect(res.status, origin).toBe(403);
      }
      await stored(
        await send(
          post.slug,
          {},
          { headers: { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' } },
        ),
        post.slug,
      );
      await stored(await send(post.slug, {}, { headers: { origin: server.url } }), post.slug);
    });

    it('refuses a NUL character in any field with 400', async () => {
      const post = await addPost();
      for (const field of ['content', 'authorName', 'authorEmail', 'authorUrl', 'parent_id']) {
        const res = await refusedOutright(post.slug, { [field]: 'a\u0000b' });
        expect(res.status, field).toBe(400);
        expect(res.body).toContain('NUL');
      }
    });

    it('refuses other content types with a 4xx and stores nothing', async () => {
      const post = await addPost();
      const token = await tokenOf(post.slug);
      const json = JSON.stringify({
        form_token: token,
        content: 'As JSON.',
        authorName: 'Jason',
        authorEmail: freshEmail(),
      });
      const cases: [string, string][] = [
        ['application/json', json],
        ['application/json', '{not json'],
        ['text/plain', `form_token=${token}&content=x&authorName=y&authorEmail=z@example.net`],
        ['multipart/form-data; boundary=x', '--x--\r\n'],
        ['application/x-www-form-urlencoded-not', 'content=x'],
      ];
      for (const [type, body] of cases) {
        const res = await refusedOutright(
          post.slug,
          {},
          { headers: { 'content-type': type }, body },
        );
        expect([400, 415], `${type}: ${res.status} ${res.body}`).toContain(res.status);
      }
    });
  });

  it('never puts one visitor’s form into another’s page', async () => {
    const post = await addPost();
    await refusedPage(post.slug, { authorEmail: 'private.typist@example.net', content: '' });
    const other = await page(`/posts/${post.slug}`);
    expect(other.html).not.toContain('private.typist@example.net');
    expect(commentForms(other)).toHaveLength(1);
    expect(formValues(commentForm(other))).toMatchObject({ content: '', authorEmail: '' });
  });
});
