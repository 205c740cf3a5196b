import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { In } from 'typeorm';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import type { SettingRow } from '../../src/db/settings.js';
import {
  DISCUSSION_DEFAULTS,
  type DiscussionSettings,
  type DiscussionSettingsInput,
} from '../../src/modules/discussion/discussion-settings.js';
import type { DiscussionSettingsService } from '../../src/modules/discussion/discussion-settings.service.js';
import { discussionSettingsService, insertPost } from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';
import { tables } from '../../src/modules/index.js';

const PUBLIC_SETTINGS = `{
  discussionSettings {
    commentsOpenByDefault
    commentFields { name required maxLength }
    threadDepth
    closeCommentsAfterDays
  }
}`;

interface PublicSettings {
  discussionSettings: {
    commentsOpenByDefault: boolean;
    commentFields: { name: string; required: boolean; maxLength: number }[];
    threadDepth: number;
    closeCommentsAfterDays: number | null;
  };
}

const KEYS = {
  commentsOpenByDefault: 'discussion.comments_open_by_default',
  moderationMode: 'discussion.moderation_mode',
  maxLinks: 'discussion.max_links',
  moderationWords: 'discussion.moderation_words',
  spamWords: 'discussion.spam_words',
  threadDepth: 'discussion.thread_depth',
  closeCommentsAfterDays: 'discussion.close_comments_after_days',
  minSecondsBetweenComments: 'discussion.min_seconds_between_comments',
  refuseDuplicates: 'discussion.refuse_duplicates',
  keepCommentIpDays: 'discussion.keep_comment_ip_days',
} as const;

const DAY = 24 * 3600_000;
const HOUR = 3600_000;

describe.each(databaseKinds())('discussion settings on %s', (kind) => {
  let server: TestServer;
  let service: DiscussionSettingsService;

  beforeAll(async () => {
    server = await startServer(kind);
    service = discussionSettingsService(server.db);
  });
  afterAll(() => server?.close());
  // Every test starts from the defaults.
  afterEach(() =>
    server.repo<SettingRow>('Setting').delete({
      key: In(Object.values(KEYS)),
    }),
  );

  const stored = async () =>
    Object.fromEntries(
      (await server.repo<SettingRow>('Setting').findBy({ key: In(Object.values(KEYS)) })).map(
        (r) => [r.key, r.value],
      ),
    );

  /** Submits a change that must be refused, and checks that nothing was written. */
  async function refusedUpdate(input: DiscussionSettingsInput) {
    const before = await stored();
    const result = await service.update(input);
    expect(result.settings).toBeNull();
    expect(await stored()).toEqual(before);
    return result.errors;
  }

  describe('the service', () => {
    it('gives the documented defaults when nothing is stored', async () => {
      expect(await stored()).toEqual({});
      expect(await service.get()).toEqual({
        commentsOpenByDefault: true,
        moderationMode: 'HOLD_UNLESS_APPROVED_BEFORE',
        maxLinks: 2,
        moderationWords: [],
        spamWords: [],
        threadDepth: 5,
        closeCommentsAfterDays: null,
        minSecondsBetweenComments: 15,
        refuseDuplicates: true,
        keepCommentIpDays: 60,
      });
      expect(DISCUSSION_DEFAULTS).toEqual(await service.get());
    });

    it('stores each setting under its discussion.* key and reads it back', async () => {
      const expected: DiscussionSettings = {
        commentsOpenByDefault: false,
        moderationMode: 'HOLD_ALL',
        maxLinks: 0,
        moderationWords: ['refund'],
        spamWords: ['casino', 'buy now'],
        threadDepth: 3,
        closeCommentsAfterDays: 30,
        minSecondsBetweenComments: 60,
        refuseDuplicates: false,
        keepCommentIpDays: 30,
      };
      const result = await service.update(expected);
      expect(result.errors).toEqual([]);
      expect(result.settings).toEqual(expected);
      expect(await service.get()).toEqual(expected);
      expect(await stored()).toEqual({
        [KEYS.commentsOpenByDefault]: 'false',
        [KEYS.moderationMode]: '"HOLD_ALL"',
        [KEYS.maxLinks]: '0',
        [KEYS.moderationWords]: '["refund"]',
        [KEYS.spamWords]: '["casino","buy now"]',
        [KEYS.threadDepth]: '3',
        [KEYS.closeCommentsAfterDays]: '30',
        [KEYS.minSecondsBetweenComments]: '60',
        [KEYS.refuseDuplicates]: 'false',
        [KEYS.keepCommentIpDays]: '30',
      });
    });

    it('keeps IP addresses for ever with null', async () => {
      const result = await service.update({ keepCommentIpDays: null });
      expect(result.errors).toEqual([]);
      expect(result.settings!.keepCommentIpDays).toBeNull();
      expect(await stored()).toEqual({ [KEYS.keepCommentIpDays]: 'null' });
      expect((await service.get()).keepCommentIpDays).toBeNull();
    });

    it('changes only the given fields; null turns the close-after-days rule off', async () => {
      await service.update({ threadDepth: 4, closeCommentsAfterDays: 10 });
      const result = await service.update({ closeCommentsAfterDays: null });
      expect(result.errors).toEqual([]);
      expect(result.settings).toEqual({
        ...DISCUSSION_DEFAULTS,
        threadDepth: 4,
        closeCommentsAfterDays: null,
      });
    });

    it.each([
      ['threadDepth', 1, 10],
      ['maxLinks', 0, 100],
      ['minSecondsBetweenComments', 0, 3600],
      ['closeCommentsAfterDays', 1, 36_500],
      ['keepCommentIpDays', 1, 3650],
    ] as const)('accepts %s from %i to %i and refuses one outside', async (field, min, max) => {
      for (const value of [min, max]) {
        const result = await service.update({ [field]: value });
        expect(result.errors).toEqual([]);
        expect(result.settings![field]).toBe(value);
      }
      for (const value of [min - 1, max + 1]) {
        const errors = await refusedUpdate({ [field]: value });
        expect(errors).toEqual([
          { field, code: 'OUT_OF_RANGE', message: expect.stringContaining(`${min} to ${max}`) },
        ]);
      }
      expect(await refusedUpdate({ [field]: 2.5 })).toEqual([
        { field, code: 'NOT_AN_INTEGER', message: expect.stringContaining('whole number') },
      ]);
    });

    it('names the setting and its range in the message', async () => {
      expect(await refusedUpdate({ threadDepth: 11 })).toEqual([
        {
          field: 'threadDepth',
          code: 'OUT_OF_RANGE',
          message: 'Thread depth must be a whole number from 1 to 10.',
        },
      ]);
      expect(await refusedUpdate({ closeCommentsAfterDays: 0 })).toEqual([
        {
          field: 'closeCommentsAfterDays',
          code: 'OUT_OF_RANGE',
          message:
            'Close comments after days must be a whole number from 1 to 36500, or empty to turn the rule off.',
        },
      ]);
    });

    it('refuses null for settings that cannot be off', async () => {
      expect(await refusedUpdate({ threadDepth: null, refuseDuplicates: null })).toEqual([
        { field: 'threadDepth', code: 'REQUIRED', message: 'Thread depth cannot be empty.' },
        {
          field: 'refuseDuplicates',
          code: 'REQUIRED',
          message: 'Refuse duplicates cannot be empty.',
        },
      ]);
    });

    it('refuses an unknown moderation mode and a value of the wrong type', async () => {
      const errors = await refusedUpdate({
        moderationMode: 'HOLD_SOME' as never,
        commentsOpenByDefault: 'yes' as never,
        spamWords: 'casino' as never,
      });
      expect(errors).toEqual([
        { field: 'commentsOpenByDefault', code: 'INVALID_VALUE', message: expect.any(String) },
        {
          field: 'moderationMode',
          code: 'INVALID_CHOICE',
          message: 'Moderation mode must be one of HOLD_ALL, HOLD_UNLESS_APPROVED_BEFORE, PUBLISH.',
        },
        {
          field: 'spamWords',
          code: 'INVALID_VALUE',
          message: 'Spam words must be a list of words or phrases.',
        },
      ]);
    });

    it('trims word lists, collapses inner white space, drops blanks and repeats in any letter case', async () => {
      const result = await service.update({
        spamWords: ['  Casino ', 'casino', '', '   ', 'buy \t  now', 'CASINO', 'Buy Now'],
        moderationWords: [' refund'],
      });
      expect(result.errors).toEqual([]);
      expect(result.settings!.spamWords).toEqual(['Casino', 'buy now']);
      expect(result.settings!.moderationWords).toEqual(['refund']);
    });

    it('bounds word lists: 100 characters an entry, 500 entries', async () => {
      const ok = await service.update({
        moderationWords: ['w'.repeat(100), ...Array.from({ length: 499 }, (_, i) => `word${i}`)],
      });
      expect(ok.errors).toEqual([]);
      expect(ok.settings!.moderationWords).toHaveLength(500);

      expect(await refusedUpdate({ spamWords: ['w'.repeat(101)] })).toEqual([
        {
          field: 'spamWords',
          code: 'TOO_LONG',
          message: 'Each entry of spam words can be at most 100 characters.',
        },
      ]);
      expect(
        await refusedUpdate({ spamWords: Array.from({ length: 501 }, (_, i) => `w${i}`) }),
      ).toEqual([
        {
          field: 'spamWords',
          code: 'TOO_MANY',
          message: 'Spam words can hold at most 500 entries.',
        },
      ]);
    });

    it('reports every invalid field at once and writes none of the valid ones', async () => {
      await service.update({ maxLinks: 7 });
      const errors = await refusedUpdate({
        maxLinks: 3,
        threadDepth: 0,
        minSecondsBetweenComments: -1,
        spamWords: ['ok'],
      });
      expect(errors.map((e) => [e.field, e.code])).toEqual([
        ['threadDepth', 'OUT_OF_RANGE'],
        ['minSecondsBetweenComments', 'OUT_OF_RANGE'],
      ]);
      expect(await service.get()).toEqual({ ...DISCUSSION_DEFAULTS, maxLinks: 7 });
    });

    it('falls back to the default for a stored value that is not valid', async () => {
      await server.repo<SettingRow>('Setting').save([
        { key: KEYS.threadDepth, value: '99' },
        { key: KEYS.moderationMode, value: 'not json' },
        { key: KEYS.maxLinks, value: '4' },
      ]);
      expect(await service.get()).toEqual({ ...DISCUSSION_DEFAULTS, maxLinks: 4 });
    });

    it('is seen by another connection to the same database (the change feed drops what the server kept)', async () => {
      // A second database handle stands for another API process.
      const other = createDatabase(server.config.database, { tables });
      await openDatabase(other);
      try {
        const before = await server.gql<PublicSettings>(PUBLIC_SETTINGS);
        expect(before.data!.discussionSettings.threadDepth).toBe(5);
        await discussionSettingsService(other).update({ threadDepth: 2 });
        // PostgreSQL: heard before update() resolves. SQLite: once the server reads the change log.
        let after = await server.gql<PublicSettings>(PUBLIC_SETTINGS);
        for (let i = 0; i < 40 && after.data!.discussionSettings.threadDepth !== 2; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          after = await server.gql<PublicSettings>(PUBLIC_SETTINGS);
        }
        expect(after.data!.discussionSettings.threadDepth).toBe(2);
      } finally {
        await other.close();
      }
    });
  });

  describe('the public query', () => {
    it('gives a comment form what it needs, with the defaults', async () => {
      const res = await server.gql<PublicSettings>(PUBLIC_SETTINGS);
      expect(res.errors).toBeUndefined();
      expect(res.data!.discussionSettings).toEqual({
        commentsOpenByDefault: true,
        commentFields: [
          { name: 'content', required: true, maxLength: 10_000 },
          { name: 'authorName', required: true, maxLength: 245 },
          { name: 'authorEmail', required: true, maxLength: 100 },
          { name: 'authorUrl', required: false, maxLength: 200 },
        ],
        threadDepth: 5,
        closeCommentsAfterDays: null,
      });
    });

    it('follows the stored settings', async () => {
      await service.update({
        commentsOpenByDefault: false,
        threadDepth: 3,
        closeCommentsAfterDays: 14,
      });
      const res = await server.gql<PublicSettings>(PUBLIC_SETTINGS);
      expect(res.data!.discussionSettings).toMatchObject({
        commentsOpenByDefault: false,
        threadDepth: 3,
        closeCommentsAfterDays: 14,
      });
    });

    it('keeps word lists, moderation mode and rate limits to itself', async () => {
      const res = await server.gql<{ __type: { fields: { name: string }[] } }>(
        `{ __type(name: "DiscussionSettings") { fields { name } } }`,
      );
      expect(res.data!.__type.fields.map((f) => f.name).sort()).toEqual(
        ['closeCommentsAfterDays', 'commentFields', 'commentsOpenByDefault', 'threadDepth'].sort(),
      );
    });
  });

  describe('Post.commentsOpen', () => {
    const OPEN = `query($slug: String!) { post(slug: $slug) { commentsOpen } }`;
    const open = async (slug: string) =>
      (await server.gql<{ post: { commentsOpen: boolean } }>(OPEN, { slug })).data!.post
        .commentsOpen;

    it('is false once a post is older than closeCommentsAfterDays, and true just inside it', async () => {
      const now = Date.now();
      const older = await insertPost(server.db, {
        slug: 'closed-by-age',
        publishedAt: new Date(now - 30 * DAY - HOUR),
      });
      const newer = await insertPost(server.db, {
        slug: 'open-by-age',
        publishedAt: new Date(now - 30 * DAY + HOUR),
      });
      // The rule is off by default: both are open.
      expect(await open(older.slug)).toBe(true);
      expect(await open(newer.slug)).toBe(true);

      await service.update({ closeCommentsAfterDays: 30 });
      expect(await open(older.slug)).toBe(false);
      expect(await open(newer.slug)).toBe(true);
      // The post's own flag is untouched: the rule is applied when it is read.
      const row = await server.repo<PostRow>('Post').findOneByOrFail({ id: older.id });
      expect(row.commentsOpen).toBe(true);
    });

    it("is false when the post's own flag is, whatever its age", async () => {
      const closed = await insertPost(server.db, {
        slug: 'closed-flag',
        commentsOpen: false,
      });
      expect(await open(closed.slug)).toBe(false);
      await service.update({ closeCommentsAfterDays: 36_500 });
      expect(await open(closed.slug)).toBe(false);
    });
  });
});
