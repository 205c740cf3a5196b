import { In, type EntityManager } from 'typeorm';
import type { Config } from '../../config.js';
import type { Database } from '../../db/database.js';
import type { Subscribers } from '../../db/domain-events.js';
import { insertOne } from '../../db/database.js';
import { GraphQLError } from 'graphql';
import type { UserError } from '../../lib/user-errors.js';
import { can, requireViewer, type Action } from '../auth/policy.js';
import type { Role, UserRow } from '../auth/entities.js';
import { viewerOf } from '../auth/auth.service.js';
import type { Viewer } from '../auth/viewer.js';
import type { CommentRow } from '../comments/entities.js';
import type { CommentSubmission } from '../comments/pipeline.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { LinkbackRow } from '../linkbacks/entities.js';
import type { PostRow } from '../posts/entities.js';
import type { PostsService } from '../posts/posts.service.js';
import type { SiteService } from '../site/site.service.js';
import type {
  MailKind,
  MailMessageRow,
  MailPreferenceRow,
  ReplySubscriptionRow,
} from './entities.js';
import { CONFIRM_LINK_DAYS, type MailLinks } from './links.js';
import type { Mailer, OutgoingMail } from './mailer.js';
import { ADMIN_ROUTES, hideAddresses, mails, messages } from './messages.js';

/** The job that sends one mail_messages row. */
export const MAIL_JOB = 'mail.send';

/** Who gets held-item mail unless they say otherwise: those who moderate everything. */
export const NOTIFY_ON_HELD_BY_DEFAULT: Readonly<Record<Role, boolean>> = {
  ADMIN: true,
  EDITOR: true,
  AUTHOR: false,
};

/** The routes of the signed links (mail.routes.ts). */
export const LINK_PATHS = {
  confirm: '/notifications/confirm',
  unsubscribe: '/notifications/unsubscribe',
};

/** A user as the policy sees them when they are not making a request. */
const asViewer = (user: UserRow): Viewer => viewerOf(user, { kind: 'session', sessionId: 0 });

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Email notifications. Everything that decides to send happens inside the
 * unit of work of the write it is about (domain-event subscribers and the
 * comment hook): a mail_messages row and its job, stored with the write or
 * not at all. The job (send()) composes the message from what is true when it
 * runs, sends it, and marks the row SENT.
 */
export class MailService {
  constructor(
    private readonly deps: {
      db: Database;
      config: Config;
      jobs: JobQueue;
      posts: PostsService;
      site: SiteService;
      mailer: Mailer;
      links: MailLinks;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.mailer.enabled;
  }

  /** Whether the user gets held-item mail: their own choice, or their role's default. */
  async notifyOnHeld(user: Pick<UserRow, 'id' | 'role'>, em?: EntityManager): Promise<boolean> {
    const repo = (em ?? this.deps.db.read).getRepository<MailPreferenceRow>('MailPreference');
    const row = await repo.findOneBy({ userId: user.id });
    return row?.notifyOnHeld ?? NOTIFY_ON_HELD_BY_DEFAULT[user.role];
  }

  /** updateMyNotificationSettings: a signed-in session changes its own user's settings. */
  async updateMySettings(
    viewer: Viewer | null,
    input: { notifyOnHeld?: boolean | null },
  ): Promise<{ viewer: Viewer; errors: UserError[] }> {
    const me = requireViewer({ viewer });
    // Like the account itself: a leaked API token must not change what its owner is told.
    if (me.credential.kind !== 'session')
      throw new GraphQLError(messages.sessionRequired, { extensions: { code: 'FORBIDDEN' } });
    if (input.notifyOnHeld != null) {
      const notifyOnHeld = input.notifyOnHeld;
      await this.deps.db.write(async (em) => {
        await em
          .getRepository<MailPreferenceRow>('MailPreference')
          .upsert({ userId: me.userId, notifyOnHeld, updatedAt: new Date() }, ['userId']);
      });
    }
    return { viewer: me, errors: [] };
  }

  /** The domain events this module follows; none when email is off (nothing is queued then). */
  subscribers(): Subscribers {
    if (!this.enabled) return {};
    return {
      'comment.created': async (event) => {
        if (event.status === 'PENDING')
          await this.tellModerators(
            'HELD_COMMENT',
            'comment:moderate',
            event.commentId,
            event.postId,
          );
      },
      'linkback.received': async (event) => {
        if (event.status === 'PENDING')
          await this.tellModerators(
            'HELD_LINKBACK',
            'linkback:moderate',
            event.linkbackId,
            event.postId,
          );
      },
      'comment.approved': (event) => this.commentApproved(event.commentId),
    };
  }

  /** CommentHooks.onStored: a comment sent with "notify me of replies" gets its (pending) subscription. */
  async commentStored(em: EntityManager, row: CommentRow, input: CommentSubmission): Promise<void> {
    if (!this.enabled || input.notifyOfReplies !== true) return;
    await insertOne<ReplySubscriptionRow>(em, 'ReplySubscription', {
      commentId: row.id,
      postId: row.postId,
      status: 'PENDING',
      createdAt: new Date(),
      confirmedAt: null,
      unsubscribedAt: null,
    });
    // The confirmation waits for the comment's approval (commentApproved): a held or spam
    // comment sends nobody anything, so the form cannot be used to mail strangers.
  }

  /** A message for each moderator of the post who wants one. */
  private async tellModerators(
    kind: MailKind,
    action: Action,
    subjectId: number,
    postId: number,
  ): Promise<void> {
    await this.deps.db.write(async (em) => {
      const post = await em.getRepository<PostRow>('Post').findOneBy({ id: postId });
      if (!post) return;
      // Accounts are few (a site's staff): all of them, and the policy decides, as for moderation.
      const users = await em.getRepository<UserRow>('User').find({ order: { id: 'ASC' } });
      const prefs = new Map(
        (await em.getRepository<MailPreferenceRow>('MailPreference').find()).map((p) => [
          p.userId,
          p.notifyOnHeld,
        ]),
      );
      for (const user of users) {
        const wants = prefs.get(user.id) ?? NOTIFY_ON_HELD_BY_DEFAULT[user.role];
        if (!wants || !can(asViewer(user), action, { authorId: post.authorId })) continue;
        await this.queue(em, { kind, userId: user.id, subscriptionId: null, subjectId });
      }
    });
  }

  /**
   * A comment became visible: its own pending subscription gets its
   * confirmation mail, and the author of the comment it replies to, if
   * subscribed and confirmed, gets the reply (never their own).
   */
  private async commentApproved(commentId: number): Promise<void> {
    await this.deps.db.write(async (em) => {
      const subs = em.getRepository<ReplySubscriptionRow>('ReplySubscription');
      const comments = em.getRepository<CommentRow>('Comment');
      const own = await subs.findOneBy({ commentId });
      if (own?.status === 'PENDING')
        await this.queue(em, {
          kind: 'CONFIRM_REPLIES',
          userId: null,
          subscriptionId: own.id,
          subjectId: commentId,
        });

      const reply = await comments.findOneBy({ id: commentId });
      if (!reply?.parentId) return;
      const parentSub = await subs.findOneBy({ commentId: reply.parentId });
      if (parentSub?.status !== 'CONFIRMED') return;
      const parent = await comments.findOneBy({ id: reply.parentId });
      if (!parent || sameAddress(parent.authorEmail, reply.authorEmail)) return;
      await this.queue(em, {
        kind: 'REPLY',
        userId: null,
        subscriptionId: parentSub.id,
        subjectId: commentId,
      });
    });
  }

  /** Stores the message and its job, once per (kind, recipient, subject). */
  private async queue(
    em: EntityManager,
    message: Pick<MailMessageRow, 'kind' | 'userId' | 'subscriptionId' | 'subjectId'>,
  ): Promise<void> {
    const repo = em.getRepository<MailMessageRow>('MailMessage');
    const where = {
      kind: message.kind,
      subjectId: message.subjectId,
      ...(message.userId !== null ? { userId: message.userId } : {}),
      ...(message.subscriptionId !== null ? { subscriptionId: message.subscriptionId } : {}),
    };
    if (await repo.existsBy(where)) return;
    const row = await insertOne<MailMessageRow>(em, 'MailMessage', {
      ...message,
      status: 'QUEUED',
      createdAt: new Date(),
      sentAt: null,
    });
    await this.deps.jobs.enqueue(MAIL_JOB, { messageId: row.id });
  }

  /**
   * The job: sends the message unless it was sent already (a retry after the
   * SMTP server took it but before the row said so is the one window where it
   * goes twice, with the same Message-ID) or is no longer wanted.
   */
  async send(messageId: number): Promise<void> {
    const repo = this.deps.db.read.getRepository<MailMessageRow>('MailMessage');
    const row = await repo.findOneBy({ id: messageId });
    if (!row || row.status !== 'QUEUED') return;
    const mail = await this.compose(row);
    if (mail) await this.deps.mailer.send(mail);
    await this.deps.db.write(async (em) => {
      await em
        .getRepository<MailMessageRow>('MailMessage')
        .update(
          { id: row.id, status: 'QUEUED' },
          mail ? { status: 'SENT', sentAt: new Date() } : { status: 'SKIPPED' },
        );
    });
  }

  /** The message as things stand now; null when it is not wanted any more. */
  private async compose(row: MailMessageRow): Promise<OutgoingMail | null> {
    const read = this.deps.db.read;
    const base = this.deps.config.publicUrl;
    const site = (await this.deps.site.getSite()).title;
    const messageId = `<colloquy.${row.id}.${row.createdAt.getTime().toString(36)}@${new URL(base).hostname}>`;
    const postOf = (id: number) => read.getRepository<PostRow>('Post').findOneBy({ id });

    if (row.kind === 'HELD_COMMENT' || row.kind === 'HELD_LINKBACK') {
      const user = await read.getRepository<UserRow>('User').findOneBy({ id: row.userId ?? 0 });
      if (!user || !(await this.notifyOnHeld(user))) return null;
      if (row.kind === 'HELD_COMMENT') {
        const comment = await read
          .getRepository<CommentRow>('Comment')
          .findOneBy({ id: row.subjectId });
        // Moderated meanwhile: nothing to ask any more.
        if (comment?.status !== 'PENDING') return null;
        const post = await postOf(comment.postId);
        if (!post) return null;
        return {
          to: user.email,
          messageId,
          ...mails.heldComment({
            site,
            postTitle: post.title,
            postUrl: this.deps.posts.postUrl(post),
            authorName: hideAddresses(comment.authorName),
            content: hideAddresses(comment.contentText),
            queueUrl: `${base}${ADMIN_ROUTES.heldComments}`,
          }),
        };
      }
      const linkback = await read
        .getRepository<LinkbackRow>('Linkback')
        .findOneBy({ id: row.subjectId });
      if (linkback?.status !== 'PENDING') return null;
      const post = await postOf(linkback.postId);
      if (!post) return null;
      return {
        to: user.email,
        messageId,
        ...mails.heldLinkback({
          site,
          postTitle: post.title,
          postUrl: this.deps.posts.postUrl(post),
          kind: linkback.kind,
          sourceUrl: hideAddresses(linkback.sourceUrl),
          title: linkback.title && hideAddresses(linkback.title),
          excerpt: linkback.excerpt && hideAddresses(linkback.excerpt),
          queueUrl: `${base}${ADMIN_ROUTES.heldLinkbacks}`,
        }),
      };
    }

    const sub = await read
      .getRepository<ReplySubscriptionRow>('ReplySubscription')
      .findOneBy({ id: row.subscriptionId ?? 0 });
    const comments = read.getRepository<CommentRow>('Comment');
    const subscriber = sub && (await comments.findOneBy({ id: sub.commentId }));
    if (!sub || !subscriber) return null;
    const post = await postOf(sub.postId);
    if (!post) return null;

    if (row.kind === 'CONFIRM_REPLIES') {
      if (sub.status !== 'PENDING') return null;
      const token = await this.deps.links.confirmToken(sub.id);
      return {
        to: subscriber.authorEmail,
        messageId,
        ...mails.confirmReplies({
          site,
          postTitle: post.title,
          confirmUrl: `${base}${LINK_PATHS.confirm}?${new URLSearchParams({ t: token })}`,
          days: CONFIRM_LINK_DAYS,
        }),
      };
    }

    const reply = await comments.findOneBy({ id: row.subjectId });
    if (sub.status !== 'CONFIRMED' || reply?.status !== 'APPROVED') return null;
    const unsubscribeUrl = `${base}${LINK_PATHS.unsubscribe}?${new URLSearchParams({
      t: await this.deps.links.unsubscribeToken(sub.id),
    })}`;
    return {
      to: subscriber.authorEmail,
      messageId,
      // RFC 8058: a mail client's one-click unsubscribe POSTs to the URL, no cookie, no page.
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      ...mails.reply({
        site,
        postTitle: post.title,
        replyUrl: `${this.deps.posts.postUrl(post)}#comment-${reply.id}`,
        authorName: hideAddresses(reply.authorName),
        content: hideAddresses(reply.contentText),
        unsubscribeUrl,
      }),
    };
  }

  /** Confirms a subscription (a signed link's POST); false when there is none to confirm. */
  confirm(subscriptionId: number): Promise<boolean> {
    return this.moveSubscription(subscriptionId, ['PENDING'], {
      status: 'CONFIRMED',
      confirmedAt: new Date(),
    });
  }

  /** Ends a subscription for good (one-click or the page's button); true when it exists. */
  async unsubscribe(subscriptionId: number): Promise<boolean> {
    const moved = await this.moveSubscription(subscriptionId, ['PENDING', 'CONFIRMED'], {
      status: 'UNSUBSCRIBED',
      unsubscribedAt: new Date(),
    });
    if (moved) return true;
    // Asked twice (a client's one-click, then the page): the same answer, nothing changed.
    return (
      (await this.deps.db.read
        .getRepository<ReplySubscriptionRow>('ReplySubscription')
        .findOneBy({ id: subscriptionId })) !== null
    );
  }

  private moveSubscription(
    id: number,
    from: ReplySubscriptionRow['status'][],
    to: Partial<ReplySubscriptionRow>,
  ): Promise<boolean> {
    return this.deps.db.write(async (em) => {
      const result = await em
        .getRepository<ReplySubscriptionRow>('ReplySubscription')
        .update({ id, status: In(from) }, to);
      return (result.affected ?? 0) > 0;
    });
  }

  /** A subscription's state, for the pages of its links. */
  subscription(id: number): Promise<ReplySubscriptionRow | null> {
    return this.deps.db.read
      .getRepository<ReplySubscriptionRow>('ReplySubscription')
      .findOneBy({ id });
  }
}
