import { EntitySchema } from 'typeorm';
import { ID_COLUMN, timestampType, type DbKind } from '../../db/columns.js';

/** A user's own choice about notification email; a user without a row has the default of their role. */
export interface MailPreferenceRow {
  userId: number;
  /** An email for each held comment or linkback they may moderate. */
  notifyOnHeld: boolean;
  updatedAt: Date;
}

/**
 * PENDING: asked for, confirmation not yet followed (the confirmation mail
 * goes once the comment is approved); CONFIRMED: replies are mailed;
 * UNSUBSCRIBED: never again.
 */
export type ReplySubscriptionStatus = 'PENDING' | 'CONFIRMED' | 'UNSUBSCRIBED';

/**
 * "Notify me of replies" on one comment. Per comment, and without a copy of
 * the address: mail goes to the comment's own author_email, so erasing the
 * comment erases the subscriber's address with it.
 */
export interface ReplySubscriptionRow {
  id: number;
  commentId: number;
  postId: number;
  status: ReplySubscriptionStatus;
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
}

export type MailKind = 'HELD_COMMENT' | 'HELD_LINKBACK' | 'CONFIRM_REPLIES' | 'REPLY';

/** QUEUED: its job will send it; SENT: the SMTP server took it; SKIPPED: no longer wanted when its turn came. */
export type MailStatus = 'QUEUED' | 'SENT' | 'SKIPPED';

/**
 * One message to one recipient, stored with the write that caused it. Its
 * job sends it and marks it SENT, so a job run again (a retry, a worker
 * taken over after a crash) finds it sent and sends nothing.
 */
export interface MailMessageRow {
  id: number;
  kind: MailKind;
  /** Who gets it: a user (a moderator) … */
  userId: number | null;
  /** … or the author of a subscribed comment. */
  subscriptionId: number | null;
  /** The held comment or linkback, or the reply: what the message is about. */
  subjectId: number;
  status: MailStatus;
  createdAt: Date;
  sentAt: Date | null;
}

export function mailEntities(kind: DbKind) {
  const ts = timestampType(kind);
  const MailPreference = new EntitySchema<MailPreferenceRow>({
    name: 'MailPreference',
    tableName: 'mail_preferences',
    columns: {
      userId: { type: 'integer', primary: true, name: 'user_id' },
      notifyOnHeld: { type: 'boolean', name: 'notify_on_held' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });
  const ReplySubscription = new EntitySchema<ReplySubscriptionRow>({
    name: 'ReplySubscription',
    tableName: 'reply_subscriptions',
    columns: {
      id: ID_COLUMN,
      commentId: { type: 'integer', name: 'comment_id', unique: true },
      postId: { type: 'integer', name: 'post_id' },
      status: { type: 'varchar', length: 16 },
      createdAt: { type: ts, name: 'created_at' },
      confirmedAt: { type: ts, name: 'confirmed_at', nullable: true },
      unsubscribedAt: { type: ts, name: 'unsubscribed_at', nullable: true },
    },
  });
  const MailMessage = new EntitySchema<MailMessageRow>({
    name: 'MailMessage',
    tableName: 'mail_messages',
    columns: {
      id: ID_COLUMN,
      kind: { type: 'varchar', length: 32 },
      userId: { type: 'integer', name: 'user_id', nullable: true },
      subscriptionId: { type: 'integer', name: 'subscription_id', nullable: true },
      subjectId: { type: 'integer', name: 'subject_id' },
      status: { type: 'varchar', length: 16 },
      createdAt: { type: ts, name: 'created_at' },
      sentAt: { type: ts, name: 'sent_at', nullable: true },
    },
  });
  return [MailPreference, ReplySubscription, MailMessage];
}
