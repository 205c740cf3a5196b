import type { PostRow } from '../posts/entities.js';
import type { SettingsSnapshot } from '../../db/settings.js';
import type { UserError } from '../../lib/user-errors.js';
import { messages, WORD_LIST_LIMITS } from './messages.js';

export const MODERATION_MODES = ['HOLD_ALL', 'HOLD_UNLESS_APPROVED_BEFORE', 'PUBLISH'] as const;
export type ModerationMode = (typeof MODERATION_MODES)[number];

/** The site's rules for comments, as the comment pipeline and the post page use them. */
export interface DiscussionSettings {
  /** Whether new posts take comments unless their editor closes them. */
  commentsOpenByDefault: boolean;
  /** Which accepted comments wait for a moderator. */
  moderationMode: ModerationMode;
  /** A comment with more links than this is held for moderation. */
  maxLinks: number;
  /** Words or phrases that hold a comment for moderation (whole words, any letter case). */
  moderationWords: readonly string[];
  /** Words or phrases that mark a comment as spam (whole words, any letter case). */
  spamWords: readonly string[];
  /** How many levels a thread has: comments have depths 0 .. threadDepth - 1. */
  threadDepth: number;
  /** Posts published longer ago than this take no new comments; null turns the rule off. */
  closeCommentsAfterDays: number | null;
  /** Least time between two comments from one IP address or one email address; 0 turns it off. */
  minSecondsBetweenComments: number;
  /** Whether the same comment (post, email and text) is refused the second time. */
  refuseDuplicates: boolean;
  /**
   * Comments older than this many days lose their IP address and user agent
   * (the job worker clears them hourly); null keeps them for ever.
   */
  keepCommentIpDays: number | null;
}

/** A change to some settings; absent fields stay as they are. */
export type DiscussionSettingsInput = {
  [K in keyof DiscussionSettings]?: DiscussionSettings[K] | null;
};

export const DISCUSSION_SETTINGS_PREFIX = 'discussion.';

type Check<T> = (value: unknown) => { value: T } | { error: Omit<UserError, 'field'> };

interface Spec<T> {
  /** Key in the settings table. */
  key: string;
  /** What administrators call it, for messages. */
  label: string;
  default: T;
  /** Null is a value of its own (the rule is off); for other settings it is missing input. */
  nullable?: true;
  check: Check<T>;
}

const boolean =
  (label: string): Check<boolean> =>
  (value) =>
    typeof value === 'boolean'
      ? { value }
      : { error: { code: 'INVALID_VALUE', message: messages.notBoolean(label) } };

function integer(label: string, min: number, max: number, nullable = false): Check<number | null> {
  return (value) => {
    if (value === null && nullable) return { value: null };
    if (typeof value !== 'number' || !Number.isInteger(value))
      return { error: { code: 'NOT_AN_INTEGER', message: messages.notInteger(label) } };
    if (value < min || value > max) {
      const message = nullable
        ? messages.outOfRangeOrOff(label, min, max)
        : messages.outOfRange(label, min, max);
      return { error: { code: 'OUT_OF_RANGE', message } };
    }
    return { value };
  };
}

const whole = (label: string, min: number, max: number) =>
  integer(label, min, max) as Check<number>;

const choice =
  <T extends string>(label: string, choices: readonly T[]): Check<T> =>
  (value) =>
    (choices as readonly unknown[]).includes(value)
      ? { value: value as T }
      : { error: { code: 'INVALID_CHOICE', message: messages.invalidChoice(label, choices) } };

/** Trims each entry and collapses its inner white space; drops empty entries and repeats (any letter case). */
const wordList =
  (label: string): Check<readonly string[]> =>
  (value) => {
    if (!Array.isArray(value) || !value.every((w) => typeof w === 'string'))
      return { error: { code: 'INVALID_VALUE', message: messages.notWordList(label) } };
    const seen = new Set<string>();
    const words: string[] = [];
    for (const raw of value as string[]) {
      const word = raw.trim().replace(/\s+/g, ' ');
      if (!word || seen.has(word.toLowerCase())) continue;
      if (word.length > WORD_LIST_LIMITS.entryLength)
        return { error: { code: 'TOO_LONG', message: messages.wordTooLong(label) } };
      seen.add(word.toLowerCase());
      words.push(word);
    }
    if (words.length > WORD_LIST_LIMITS.entries)
      return { error: { code: 'TOO_MANY', message: messages.tooManyWords(label) } };
    return { value: words };
  };

const SPECS: { [K in keyof DiscussionSettings]: Spec<DiscussionSettings[K]> } = {
  commentsOpenByDefault: {
    key: 'discussion.comments_open_by_default',
    label: 'Comments open by default',
    default: true,
    check: boolean('Comments open by default'),
  },
  moderationMode: {
    key: 'discussion.moderation_mode',
    label: 'Moderation mode',
    default: 'HOLD_UNLESS_APPROVED_BEFORE',
    check: choice('Moderation mode', MODERATION_MODES),
  },
  maxLinks: {
    key: 'discussion.max_links',
    label: 'Links per comment',
    default: 2,
    check: whole('Links per comment', 0, 100),
  },
  moderationWords: {
    key: 'discussion.moderation_words',
    label: 'Moderation words',
    default: [],
    check: wordList('Moderation words'),
  },
  spamWords: {
    key: 'discussion.spam_words',
    label: 'Spam words',
    default: [],
    check: wordList('Spam words'),
  },
  threadDepth: {
    key: 'discussion.thread_depth',
    label: 'Thread depth',
    default: 5,
    check: whole('Thread depth', 1, 10),
  },
  closeCommentsAfterDays: {
    key: 'discussion.close_comments_after_days',
    label: 'Close comments after days',
    default: null,
    nullable: true,
    check: integer('Close comments after days', 1, 36_500, true),
  },
  minSecondsBetweenComments: {
    key: 'discussion.min_seconds_between_comments',
    label: 'Seconds between comments',
    default: 15,
    check: whole('Seconds between comments', 0, 3600),
  },
  refuseDuplicates: {
    key: 'discussion.refuse_duplicates',
    label: 'Refuse duplicates',
    default: true,
    check: boolean('Refuse duplicates'),
  },
  keepCommentIpDays: {
    key: 'discussion.keep_comment_ip_days',
    label: 'Days to keep IP addresses',
    default: 60,
    nullable: true,
    check: integer('Days to keep IP addresses', 1, 3650, true),
  },
};

const FIELDS = Object.keys(SPECS) as (keyof DiscussionSettings)[];

function checkField<K extends keyof DiscussionSettings>(
  field: K,
  value: unknown,
): { value: DiscussionSettings[K] } | { error: UserError } {
  const spec: Spec<DiscussionSettings[K]> = SPECS[field];
  if (value === null && !spec.nullable) {
    return { error: { field, code: 'REQUIRED', message: messages.required(spec.label) } };
  }
  const result = spec.check(value);
  return 'error' in result ? { error: { field, ...result.error } } : result;
}

export const DISCUSSION_DEFAULTS: DiscussionSettings = Object.fromEntries(
  FIELDS.map((field) => [field, SPECS[field].default]),
) as unknown as DiscussionSettings;

/**
 * The settings from the stored values. A missing key takes its default; so
 * does a stored value that fails its check (someone edited the table by
 * hand), rather than breaking every comment form.
 */
export function discussionSettingsFrom(snapshot: SettingsSnapshot): DiscussionSettings {
  const settings: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const raw = snapshot.get(SPECS[field].key);
    let parsed: unknown = undefined;
    if (raw !== undefined) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = undefined;
      }
    }
    const checked = parsed === undefined ? null : checkField(field, parsed);
    settings[field] = checked && 'value' in checked ? checked.value : SPECS[field].default;
  }
  return settings as unknown as DiscussionSettings;
}

/**
 * Checks every given field of a change. Returns the stored form of each
 * (key → JSON text) when all are valid, or one error per invalid field.
 */
export function validateDiscussionSettings(input: DiscussionSettingsInput): {
  values: Map<string, string>;
  errors: UserError[];
} {
  const values = new Map<string, string>();
  const errors: UserError[] = [];
  for (const field of FIELDS) {
    if (!(field in input) || input[field] === undefined) continue;
    const checked = checkField(field, input[field]);
    if ('error' in checked) errors.push(checked.error);
    else values.set(SPECS[field].key, JSON.stringify(checked.value));
  }
  return { values: errors.length ? new Map() : values, errors };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a post takes new comments now: its own flag, and not older than
 * `closeCommentsAfterDays` (counted from publication, exactly N days still open).
 */
export function commentsOpenNow(
  post: Pick<PostRow, 'commentsOpen' | 'publishedAt'>,
  settings: Pick<DiscussionSettings, 'closeCommentsAfterDays'>,
  now: Date = new Date(),
): boolean {
  if (!post.commentsOpen) return false;
  const days = settings.closeCommentsAfterDays;
  if (days === null || post.publishedAt === null) return true;
  return now.getTime() - post.publishedAt.getTime() <= days * DAY_MS;
}

/**
 * When comments on an open post close by age, if that is still to come:
 * until then a page showing the comment form stays true (the response cache
 * keeps it no longer).
 */
export function commentsCloseAt(
  post: Pick<PostRow, 'commentsOpen' | 'publishedAt'>,
  settings: Pick<DiscussionSettings, 'closeCommentsAfterDays'>,
  now: Date = new Date(),
): Date | null {
  const days = settings.closeCommentsAfterDays;
  if (!post.commentsOpen || days === null || post.publishedAt === null) return null;
  const at = post.publishedAt.getTime() + days * DAY_MS + 1;
  return at > now.getTime() ? new Date(at) : null;
}
