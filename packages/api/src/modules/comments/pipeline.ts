import type { Database } from '../../db/database.js';
import type { DomainEvents } from '../../db/domain-events.js';
import { createHash } from 'node:crypto';
import { Brackets, Not, type EntityManager } from 'typeorm';
import { dbDate } from '../../db/dates.js';
import type { CommentRow } from './entities.js';
import { countLinks } from '../../lib/html.js';
import { parseId } from '../../lib/ids.js';
import type { RequestMeta } from '../../lib/request-meta.js';
import type { UserError } from '../../lib/user-errors.js';
import { commentsOpenNow, type DiscussionSettings } from '../discussion/discussion-settings.js';
import type { CommentablePost, PostsService } from '../posts/posts.service.js';
import { messages, PLACES, reasons, refusals } from './messages.js';
import { WordMatcher, type CheckedPlace } from './moderation.js';
import { createdEvents, insertCommentRow, newCommentRow, type Verdict } from './store.js';
import { tags } from '../../db/changes.js';
import { validateCommentFields, type CommentFields } from './validation.js';

export interface CommentSubmission {
  postId: string;
  parentId?: string | null;
  authorName: string;
  authorEmail: string;
  authorUrl?: string | null;
  content: string;
  /** The honeypot: the web form hides it from people, so whoever fills it is a bot. */
  homepage?: string | null;
  /** "Notify me of replies" (SDL and handling in modules/mail, through CommentHooks.onStored). */
  notifyOfReplies?: boolean | null;
}

/**
 * What other modules plug into the submission of a comment. `onStored` runs
 * inside the unit of work that stores it, before its domain events are
 * emitted, with what the visitor sent: its writes are stored with the
 * comment or not at all. It must not throw for anything a visitor sent.
 */
export interface CommentHooks {
  onStored?: (em: EntityManager, row: CommentRow, input: CommentSubmission) => Promise<void>;
}

/** The stored comment, or why nothing was stored. */
export type PipelineResult = { row: CommentRow; errors: [] } | { row: null; errors: UserError[] };

/** A submission whose fields, post and parent passed every check. */
interface Checked {
  fields: CommentFields;
  post: CommentablePost;
  parentId: number | null;
  depth: number;
  honeypotFilled: boolean;
}

/** A 64-bit advisory lock key for PostgreSQL, the same in every process. */
function lockKey(name: string): string {
  return createHash('sha256')
    .update(`colloquy:comment-submission:${name}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Every rule a new comment goes through, in one place, in this order:
 *
 * 1. Input checks, all reported together as field-level errors: the fields
 *    (validation.ts), the post (published, and open: its own flag and the
 *    close-after-days rule → COMMENTS_CLOSED), the parent (approved, same
 *    post, not at the deepest level → THREAD_TOO_DEEP).
 * 2. Repeat checks, form-level, against the database so they hold across
 *    processes: the same comment again (DUPLICATE), then another comment from
 *    the same IP address or email too soon (RATE_LIMITED).
 * 3. Classification of what is accepted: honeypot or spam word → SPAM;
 *    moderation word, too many links or the moderation mode → PENDING;
 *    otherwise APPROVED. The reasons are stored for moderators.
 *
 * A refusal writes nothing. Steps 2 and the write share one transaction;
 * step 3 is decided before it, but for "approved before", which the INSERT
 * itself asks in that transaction (store.ts).
 */
export class CommentPipeline {
  constructor(
    private readonly deps: {
      db: Database;
      events: DomainEvents;
      posts: PostsService;
      hooks?: CommentHooks;
    },
  ) {}

  async submit(
    input: CommentSubmission,
    meta: RequestMeta,
    settings: DiscussionSettings,
  ): Promise<PipelineResult> {
    const checked = await this.checkInput(input, settings);
    if ('errors' in checked) return { row: null, errors: checked.errors };
    // Everything that needs no database is done before the unit of work: the
    // writer is one at a time, and it waits for none of this.
    const verdict = this.classify(checked, meta, settings);
    const row = newCommentRow({
      postId: checked.post.id,
      parentId: checked.parentId,
      depth: checked.depth,
      fields: checked.fields,
      status: verdict.status,
      moderationReason: verdict.moderationReason,
      meta,
      userId: null,
      byPostAuthor: false,
    });

    return this.deps.db.write(async (em) => {
      await this.waitForOthersFromSameSender(em, checked, meta, settings);
      // Taken after the wait, so it is later than any comment the wait let finish.
      const now = new Date();
      const refusal = await this.checkRepeats(em, checked, meta, settings, now);
      if (refusal) return { row: null, errors: [refusal] };

      const stored = await insertCommentRow(
        em,
        { ...row, createdAt: now },
        verdict.ifApprovedBefore,
      );
      // Readers see an approved comment at once; one held for moderation changes nothing they see.
      if (stored.status === 'APPROVED')
        this.deps.db.changed(tags.post(stored.postId), tags.comments);
      else this.deps.db.changed();
      await this.deps.hooks?.onStored?.(em, stored, input);
      await this.deps.events.emit(...createdEvents(stored));
      return { row: stored, errors: [] };
    });
  }

  /** Step 1: every field-level problem at once, or the checked submission. */
  private async checkInput(
    input: CommentSubmission,
    settings: DiscussionSettings,
  ): Promise<Checked | { errors: UserError[] }> {
    const { value, errors } = validateCommentFields(input);

    const postId = parseId(input.postId);
    const post = postId === null ? null : await this.deps.posts.findPublishedForComment(postId);
    if (!post)
      errors.push({ field: 'postId', code: 'POST_NOT_FOUND', message: messages.postNotFound });
    else if (!commentsOpenNow(post, settings))
      errors.push({ field: null, code: 'COMMENTS_CLOSED', message: messages.commentsClosed });

    let parentId: number | null = null;
    let depth = 0;
    if (input.parentId != null && input.parentId !== '') {
      const id = parseId(input.parentId);
      const parent =
        id === null
          ? null
          : await this.deps.db.read.getRepository<CommentRow>('Comment').findOne({
              select: ['id', 'postId', 'depth', 'status'],
              where: { id },
            });
      // A parent that is not approved is reported as missing: its existence is not the visitor's to know.
      if (!parent || parent.status !== 'APPROVED') {
        errors.push({
          field: 'parentId',
          code: 'PARENT_NOT_FOUND',
          message: messages.parentNotFound,
        });
      } else if (post && parent.postId !== post.id) {
        errors.push({
          field: 'parentId',
          code: 'PARENT_OTHER_POST',
          message: messages.parentOtherPost,
        });
      } else if (parent.depth >= settings.threadDepth - 1) {
        errors.push({
          field: 'parentId',
          code: 'THREAD_TOO_DEEP',
          message: messages.threadTooDeep,
        });
      } else {
        parentId = parent.id;
        depth = parent.depth + 1;
      }
    }
    if (errors.length > 0 || !post) return { errors };
    return {
      fields: value,
      post,
      parentId,
      depth,
      honeypotFilled: (input.homepage ?? '').trim() !== '',
    };
  }

  /**
   * On PostgreSQL, submissions from the same email or IP address wait here
   * for each other (in whichever process they run) until the first commits,
   * so the repeat checks see each other's rows. On SQLite the transaction
   * runner already runs one transaction at a time.
   */
  private async waitForOthersFromSameSender(
    em: EntityManager,
    checked: Checked,
    meta: RequestMeta,
    settings: DiscussionSettings,
  ): Promise<void> {
    if (this.deps.db.kind !== 'postgres') return;
    const flood = settings.minSecondsBetweenComments > 0;
    const names: string[] = [];
    if (flood || settings.refuseDuplicates) names.push(`email:${checked.fields.authorEmail}`);
    if (flood && meta.ip) names.push(`ip:${meta.ip}`);
    // Always taken in the same order, so two submissions never hold one lock each and wait for the other.
    for (const key of names.map(lockKey).sort()) {
      await em.query('SELECT pg_advisory_xact_lock($1)', [key]);
    }
  }

  /** Step 2: the same comment again, or a comment too soon after the last one. */
  private async checkRepeats(
    em: EntityManager,
    checked: Checked,
    meta: RequestMeta,
    settings: DiscussionSettings,
    now: Date,
  ): Promise<UserError | null> {
    const repo = em.getRepository<CommentRow>('Comment');
    const email = checked.fields.authorEmail;

    // Checked first: for a double submission "already posted" says more than "too soon".
    if (settings.refuseDuplicates) {
      const duplicate = await repo.exists({
        where: {
          postId: checked.post.id,
          authorEmail: email,
          contentText: checked.fields.content,
          // A moderator's bin does not count: they may want it posted again.
          status: Not('TRASH'),
        },
      });
      if (duplicate) return { field: null, code: 'DUPLICATE', message: refusals.duplicate };
    }

    const interval = settings.minSecondsBetweenComments * 1000;
    if (interval > 0) {
      // Every comment counts, spam included: a bot is slowed down the same way.
      const latest = await repo
        .createQueryBuilder('c')
        .select(['c.id', 'c.createdAt'])
        .where('c.createdAt > :since', {
          since: dbDate(this.deps.db, new Date(now.getTime() - interval)),
        })
        .andWhere(
          new Brackets((w) => {
            w.where('c.authorEmail = :email', { email });
            if (meta.ip) w.orWhere('c.ip = :ip', { ip: meta.ip });
          }),
        )
        .orderBy('c.createdAt', 'DESC')
        .limit(1)
        .getOne();
      if (latest) {
        const remaining = latest.createdAt.getTime() + interval - now.getTime();
        const seconds = Math.min(
          settings.minSecondsBetweenComments,
          Math.max(1, Math.ceil(remaining / 1000)),
        );
        return { field: null, code: 'RATE_LIMITED', message: refusals.rateLimited(seconds) };
      }
    }
    return null;
  }

  /**
   * Step 3: spam, held or approved, and why. Whether the author has an
   * approved comment already is left to the INSERT (store.ts), which asks in
   * the unit of work: `ifApprovedBefore` is the verdict for that case.
   */
  private classify(
    checked: Checked,
    meta: RequestMeta,
    settings: DiscussionSettings,
  ): Verdict & { ifApprovedBefore?: Verdict } {
    const { fields } = checked;
    const places: Record<CheckedPlace, string | null> = {
      content: fields.content,
      authorName: fields.authorName,
      authorEmail: fields.authorEmail,
      authorUrl: fields.authorUrl,
      ip: meta.ip,
    };

    const spam: string[] = [];
    if (checked.honeypotFilled) spam.push(reasons.honeypot);
    const spamWord = matcher(settings.spamWords).findIn(places);
    if (spamWord) spam.push(reasons.spamWord(spamWord.word, PLACES[spamWord.place]));
    if (spam.length > 0) return { status: 'SPAM', moderationReason: spam.join('; ') };

    const held: string[] = [];
    const heldWord = matcher(settings.moderationWords).findIn(places);
    if (heldWord) held.push(reasons.moderationWord(heldWord.word, PLACES[heldWord.place]));
    const links = countLinks(fields.content);
    if (links > settings.maxLinks) held.push(reasons.links(links, settings.maxLinks));
    const verdict = (reasonsHeld: string[]): Verdict =>
      reasonsHeld.length > 0
        ? { status: 'PENDING', moderationReason: reasonsHeld.join('; ') }
        : { status: 'APPROVED', moderationReason: null };
    if (settings.moderationMode === 'HOLD_ALL') return verdict([...held, reasons.holdAll]);
    if (settings.moderationMode === 'HOLD_UNLESS_APPROVED_BEFORE') {
      return {
        ...verdict([...held, reasons.notApprovedBefore]),
        ifApprovedBefore: verdict(held),
      };
    }
    return verdict(held);
  }
}

/**
 * The matcher of a word list, built once per list: the settings are kept in
 * memory (KeptValues) until an editor changes them, and so is their list.
 */
const matchers = new WeakMap<readonly string[], WordMatcher>();
function matcher(words: readonly string[]): WordMatcher {
  let m = matchers.get(words);
  if (!m) matchers.set(words, (m = new WordMatcher(words)));
  return m;
}
