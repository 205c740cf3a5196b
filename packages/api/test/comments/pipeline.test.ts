import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { In, MoreThan } from 'typeorm';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import type { SettingRow } from '../../src/db/settings.js';
import { seedComments } from '../../src/seed/smsmhealth.js';
import { commentClient } from '../support/comments.js';
import { insertComment, insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const DAY = 24 * 3600_000;
const HOUR = 3600_000;
/** The seed commenter: has an approved comment, so passes HOLD_UNLESS_APPROVED_BEFORE. */
const KNOWN_EMAIL = seedComments[0]!.authorEmail;

// Every test request comes from 127.0.0.1, so each test starts with the
// comments of earlier tests moved an hour into the past (out of any flood
// window) and with the default settings, except as it says.
describe.each(databaseKinds())('the comment pipeline on %s', (kind) => {
  let server: TestServer;
  let post: PostRow;
  let emailCounter = 0;

  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(() => server?.close());

  beforeEach(async () => {
    await server.repo<SettingRow>('Setting').delete({ key: In(await settingKeys()) });
    await server
      .repo<CommentRow>('Comment')
      .update({ id: MoreThan(0) }, { createdAt: new Date(Date.now() - HOUR) });
    post = await insertPost(server.db, { slug: `pipeline-${++emailCounter}` });
  });

  const settingKeys = async () =>
    (await server.repo<SettingRow>('Setting').find())
      .map((s) => s.key)
      .filter((k) => k.startsWith('discussion.'));

  const freshEmail = () => `pipeline${++emailCounter}@example.net`;
  const settings = (input: Parameters<typeof setDiscussionSettings>[1]) =>
    setDiscussionSettings(server.db, input);

  const { comments, submit, refused, accepted } = commentClient(
    () => server,
    () => ({
      postId: String(post.id),
      authorName: 'Pat Pipeline',
      authorEmail: freshEmail(),
      content: 'Interesting post.',
    }),
  );

  const ago = (ms: number) => new Date(Date.now() - ms);

  describe('flood interval (default 15 seconds, per email and per IP address)', () => {
    it('refuses a comment 14 s after the last one from the same email with RATE_LIMITED, saying how long to wait', async () => {
      const email = freshEmail();
      await insertComment(server.db, {
        postId: post.id,
        authorEmail: email,
        ip: '203.0.113.7',
        createdAt: ago(14_000),
      });
      expect(await refused({ authorEmail: email })).toEqual([
        {
          field: null,
          code: 'RATE_LIMITED',
          message: 'You are commenting too quickly. Please wait 1 second and try again.',
        },
      ]);
    });

    it('accepts a comment 16 s after the last one from the same email', async () => {
      const email = freshEmail();
      await insertComment(server.db, {
        postId: post.id,
        authorEmail: email,
        ip: '203.0.113.7',
        createdAt: ago(16_000),
      });
      await accepted({ authorEmail: email });
    });

    it('refuses a comment 14 s after the last one from the same IP address, whatever the email', async () => {
      await insertComment(server.db, {
        postId: post.id,
        authorEmail: freshEmail(),
        ip: '127.0.0.1',
        createdAt: ago(14_000),
      });
      expect((await refused({})).map((e) => e.code)).toEqual(['RATE_LIMITED']);
    });

    it('accepts a comment 16 s after the last one from the same IP address', async () => {
      await insertComment(server.db, {
        postId: post.id,
        authorEmail: freshEmail(),
        ip: '127.0.0.1',
        createdAt: ago(16_000),
      });
      await accepted({});
    });

    it('counts the time left: 5 s after the last comment, 10 s to wait', async () => {
      await insertComment(server.db, {
        postId: post.id,
        ip: '127.0.0.1',
        createdAt: ago(5_000),
      });
      const [error] = await refused({});
      expect(error!.message).toMatch(/Please wait (10|11) seconds/);
    });

    it('slows down a second submission sent at once, also on another post', async () => {
      const email = freshEmail();
      await accepted({ authorEmail: email, content: 'First.' });
      const other = await insertPost(server.db, { slug: `pipeline-other-${emailCounter}` });
      const errors = await refused({
        postId: String(other.id),
        authorEmail: email,
        content: 'Second.',
      });
      expect(errors.map((e) => e.code)).toEqual(['RATE_LIMITED']);
    });

    it('follows the setting: 60 s refuses a comment 30 s later, 0 turns the rule off', async () => {
      await insertComment(server.db, {
        postId: post.id,
        ip: '127.0.0.1',
        createdAt: ago(30_000),
      });
      await settings({ minSecondsBetweenComments: 60 });
      expect((await refused({}))[0]!.message).toMatch(/Please wait (30|31) seconds/);
      await settings({ minSecondsBetweenComments: 0 });
      await accepted({});
      await accepted({});
    });

    it('lets exactly one of ten simultaneous submissions from one email through', async () => {
      const email = freshEmail();
      const before = await comments().count();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => submit({ authorEmail: email, content: `Burst ${i}` })),
      );
      const codes = results.map((r) => r.data!.submitComment.errors.map((e) => e.code).join());
      expect(codes.filter((c) => c === '')).toHaveLength(1);
      expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(9);
      expect(await comments().count()).toBe(before + 1);
    });
  });

  describe('duplicates (refused by default)', () => {
    beforeEach(() => settings({ minSecondsBetweenComments: 0 }));

    it('refuses the same content from the same email on the same post with DUPLICATE', async () => {
      const email = freshEmail();
      await accepted({ authorEmail: email, content: 'Said  once.' });
      expect(await refused({ authorEmail: email.toUpperCase(), content: ' Said  once. ' })).toEqual(
        [{ field: null, code: 'DUPLICATE', message: 'You have already posted this comment.' }],
      );
    });

    it('accepts the same content from another email, on another post, or with other words', async () => {
      const email = freshEmail();
      await accepted({ authorEmail: email, content: 'Said once.' });
      await accepted({ authorEmail: freshEmail(), content: 'Said once.' });
      const other = await insertPost(server.db, { slug: `pipeline-dup-${emailCounter}` });
      await accepted({ postId: String(other.id), authorEmail: email, content: 'Said once.' });
      await accepted({ authorEmail: email, content: 'Said once!' });
    });

    it('does not count a comment a moderator has trashed, and can be turned off', async () => {
      const email = freshEmail();
      await insertComment(server.db, {
        postId: post.id,
        authorEmail: email,
        contentText: 'Again.',
        status: 'TRASH',
        createdAt: ago(HOUR),
      });
      await accepted({ authorEmail: email, content: 'Again.' });
      expect((await refused({ authorEmail: email, content: 'Again.' }))[0]!.code).toBe('DUPLICATE');
      await settings({ refuseDuplicates: false });
      await accepted({ authorEmail: email, content: 'Again.' });
    });
  });

  describe('closed after N days', () => {
    beforeEach(() => settings({ minSecondsBetweenComments: 0, closeCommentsAfterDays: 30 }));

    it('refuses comments on a post published 30 days and an hour ago with COMMENTS_CLOSED', async () => {
      const old = await insertPost(server.db, {
        slug: `pipeline-old-${emailCounter}`,
        publishedAt: new Date(Date.now() - 30 * DAY - HOUR),
      });
      expect(await refused({ postId: String(old.id) })).toEqual([
        { field: null, code: 'COMMENTS_CLOSED', message: 'Comments are closed on this post.' },
      ]);
    });

    it('accepts comments on a post published 30 days less an hour ago', async () => {
      const recent = await insertPost(server.db, {
        slug: `pipeline-recent-${emailCounter}`,
        publishedAt: new Date(Date.now() - 30 * DAY + HOUR),
      });
      await accepted({ postId: String(recent.id) });
    });

    it('leaves old posts open when the rule is off (the default)', async () => {
      await settings({ closeCommentsAfterDays: null });
      const old = await insertPost(server.db, {
        slug: `pipeline-ancient-${emailCounter}`,
        publishedAt: new Date(Date.UTC(2001, 0, 1)),
      });
      await accepted({ postId: String(old.id) });
    });
  });

  describe('thread depth', () => {
    beforeEach(() => settings({ minSecondsBetweenComments: 0, threadDepth: 3 }));

    async function chain(levels: number): Promise<CommentRow[]> {
      const rows: CommentRow[] = [];
      for (let depth = 0; depth < levels; depth++) {
        rows.push(
          await insertComment(server.db, {
            postId: post.id,
            parentId: rows.at(-1)?.id ?? null,
            depth,
            createdAt: ago(2 * HOUR - depth * 60_000),
          }),
        );
      }
      return rows;
    }

    it('refuses a reply to a comment at the deepest level (depth threadDepth - 1) with THREAD_TOO_DEEP', async () => {
      const rows = await chain(3);
      expect(await refused({ parentId: String(rows[2]!.id) })).toEqual([
        {
          field: 'parentId',
          code: 'THREAD_TOO_DEEP',
          message: 'This thread is as deep as it can go; reply to an earlier comment instead.',
        },
      ]);
    });

    it('accepts a reply one level above it', async () => {
      const rows = await chain(2);
      const { payload, row } = await accepted({ parentId: String(rows[1]!.id) });
      expect(payload.comment!.depth).toBe(2);
      expect(row.depth).toBe(2);
    });

    it('with a depth of 1, takes no replies at all', async () => {
      await settings({ threadDepth: 1 });
      const rows = await chain(1);
      expect((await refused({ parentId: String(rows[0]!.id) }))[0]!.code).toBe('THREAD_TOO_DEEP');
      await accepted({});
    });
  });

  describe('links (held above 2 by default)', () => {
    beforeEach(() => settings({ minSecondsBetweenComments: 0, moderationMode: 'PUBLISH' }));

    it('publishes a comment with 2 links', async () => {
      const { payload, row } = await accepted({
        content: 'See https://one.example/a and www.two.example for more.',
      });
      expect(payload.status).toBe('APPROVED');
      expect(row).toMatchObject({ status: 'APPROVED', moderationReason: null });
    });

    it('holds a comment with 3 links and records why', async () => {
      const { payload, row } = await accepted({
        content: 'https://one.example\nhttps://two.example\nand http://three.example.',
      });
      expect(payload.status).toBe('PENDING');
      expect(row).toMatchObject({ status: 'PENDING', moderationReason: 'held: 3 links (limit 2)' });
    });

    it('follows the setting: 0 holds any link', async () => {
      await settings({ maxLinks: 0 });
      const { row } = await accepted({ content: 'Just www.example.com' });
      expect(row.moderationReason).toBe('held: 1 links (limit 0)');
      const plain = await accepted({ content: 'No links here.' });
      expect(plain.row.status).toBe('APPROVED');
    });
  });

  describe('word lists (whole words, any letter case)', () => {
    beforeEach(() =>
      settings({
        minSecondsBetweenComments: 0,
        moderationMode: 'PUBLISH',
        spamWords: ['casino', 'cheap pills'],
        moderationWords: ['refund', '.invalid'],
      }),
    );

    it('stores a comment with a spam word as SPAM, tells the sender PENDING, and shows it to nobody', async () => {
      const { payload, raw, row } = await accepted({ content: 'Best CASINO bonus, today!' });
      expect(row.status).toBe('SPAM');
      expect(row.moderationReason).toBe('spam: matched word "casino" in the comment');
      expect(payload.status).toBe('PENDING');
      expect(raw).not.toMatch(/spam|matched/i);

      const res = await server.gql<{ post: { commentCount: number } }>(
        `query($slug: String!) { post(slug: $slug) { commentCount } }`,
        { slug: post.slug },
      );
      expect(res.data!.post.commentCount).toBe(0);
    });

    it('matches phrases across any white space, and words in the name', async () => {
      const phrase = await accepted({ content: 'Order cheap\n  pills now' });
      expect(phrase.row.moderationReason).toBe('spam: matched word "cheap pills" in the comment');
      const name = await accepted({ authorName: 'Casino King' });
      expect(name.row.moderationReason).toBe('spam: matched word "casino" in the name');
    });

    it('does not match inside longer words', async () => {
      for (const content of ['Casinos are everywhere.', 'On occasion, yes.', 'Refunds? No.']) {
        const { row } = await accepted({ content });
        expect(row).toMatchObject({ status: 'APPROVED', moderationReason: null });
      }
    });

    it('holds a comment with a moderation word and records which and where', async () => {
      const { payload, row } = await accepted({ content: 'I want a Refund.' });
      expect(payload.status).toBe('PENDING');
      expect(row).toMatchObject({
        status: 'PENDING',
        moderationReason: 'held: matched word "refund" in the comment',
      });
    });

    it('lets an entry that starts with punctuation match the end of an address', async () => {
      const { row } = await accepted({ authorEmail: `someone${++emailCounter}@mail.invalid` });
      expect(row.moderationReason).toBe('held: matched word ".invalid" in the email address');
    });

    it('lets a spam word win over a moderation word', async () => {
      const { row } = await accepted({ content: 'casino refund' });
      expect(row.status).toBe('SPAM');
      expect(row.moderationReason).toBe('spam: matched word "casino" in the comment');
    });
  });

  describe('moderation modes', () => {
    beforeEach(() => settings({ minSecondsBetweenComments: 0 }));

    it('HOLD_UNLESS_APPROVED_BEFORE (default): holds a new email, publishes a known one', async () => {
      const fresh = await accepted({});
      expect(fresh.payload.status).toBe('PENDING');
      expect(fresh.row.moderationReason).toBe('held: no approved comment from this email yet');
      const known = await accepted({ authorEmail: KNOWN_EMAIL, content: `Known ${emailCounter}` });
      expect(known.payload.status).toBe('APPROVED');
      expect(known.row.moderationReason).toBeNull();
    });

    it('HOLD_ALL: holds even a known email', async () => {
      await settings({ moderationMode: 'HOLD_ALL' });
      const { payload, row } = await accepted({
        authorEmail: KNOWN_EMAIL,
        content: `Held anyway ${emailCounter}`,
      });
      expect(payload.status).toBe('PENDING');
      expect(row.moderationReason).toBe('held: moderation mode is HOLD_ALL');
    });

    it('PUBLISH: publishes a new email at once', async () => {
      await settings({ moderationMode: 'PUBLISH' });
      const { payload, row } = await accepted({});
      expect(payload.status).toBe('APPROVED');
      expect(row).toMatchObject({ status: 'APPROVED', moderationReason: null });
    });

    it('records every reason a comment is held for', async () => {
      await settings({ moderationMode: 'HOLD_ALL', moderationWords: ['refund'] });
      const { row } = await accepted({
        content: 'refund https://a.example https://b.example https://c.example',
      });
      expect(row.moderationReason).toBe(
        'held: matched word "refund" in the comment; held: 3 links (limit 2); held: moderation mode is HOLD_ALL',
      );
    });
  });

  describe('honeypot (homepage)', () => {
    beforeEach(() => settings({ minSecondsBetweenComments: 0, moderationMode: 'PUBLISH' }));

    it('stores a comment that fills it in as SPAM and answers as if it were pending', async () => {
      const { payload, raw, row } = await accepted({ homepage: 'http://bot.example' });
      expect(row.status).toBe('SPAM');
      expect(row.moderationReason).toBe('spam: the hidden honeypot field was filled in');
      expect(payload.status).toBe('PENDING');
      expect(payload.errors).toEqual([]);
      expect(raw).not.toMatch(/spam|honeypot/i);
    });

    it('ignores it when empty, blank or left out', async () => {
      for (const homepage of [undefined, null, '', '   ']) {
        const { payload, row } = await accepted({ homepage });
        expect(payload.status).toBe('APPROVED');
        expect(row.moderationReason).toBeNull();
      }
    });

    it('still refuses invalid input from a bot with field errors, writing nothing', async () => {
      const errors = await refused({ homepage: 'filled', authorEmail: 'bot' });
      expect(errors.map((e) => [e.field, e.code])).toEqual([['authorEmail', 'INVALID_EMAIL']]);
    });
  });
});
