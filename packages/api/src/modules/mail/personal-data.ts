import type { EntityManager } from 'typeorm';
import type { Database } from '../../db/database.js';
import { parseDbDate } from '../../db/dates.js';
import { SqlParams } from '../../db/params.js';
import { BY_EMAIL } from '../comments/personal-data.js';
import type { PersonalDataSource } from '../module.js';
import type { ReplySubscriptionStatus } from './entities.js';

/** One "notify me of replies" subscription in a person's export. */
export interface PersonalReplySubscription {
  commentId: number;
  postId: number;
  status: ReplySubscriptionStatus;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

/**
 * The mail module's part of a person's data: their "notify me of replies"
 * subscriptions, found through the comments they were made on (a
 * subscription keeps no copy of the address). Erasure deletes them, in
 * either mode, with the messages sent or queued for them: an anonymised
 * comment has no address left to write to. It must run before the
 * comments' part takes the address away (the privacy module erases the
 * parts in the reverse order of the modules).
 */
export class MailPersonalData implements PersonalDataSource {
  constructor(private readonly deps: { db: Database }) {}

  async export(email: string): Promise<PersonalReplySubscription[]> {
    const p = new SqlParams(this.deps.db.kind);
    const rows = (await this.deps.db.read.query(
      `SELECT s.comment_id, s.post_id, s.status, s.created_at, s.confirmed_at, s.unsubscribed_at
         FROM reply_subscriptions s JOIN comments c ON c.id = s.comment_id
        WHERE ${BY_EMAIL} = ${p.add(email)}
        ORDER BY s.created_at, s.id`,
      p.values,
    )) as Record<string, unknown>[];
    const iso = (v: unknown) => parseDbDate(v)?.toISOString() ?? null;
    return rows.map((r) => ({
      commentId: Number(r.comment_id),
      postId: Number(r.post_id),
      status: r.status as ReplySubscriptionStatus,
      createdAt: iso(r.created_at)!,
      confirmedAt: iso(r.confirmed_at),
      unsubscribedAt: iso(r.unsubscribed_at),
    }));
  }

  async erase(em: EntityManager, email: string): Promise<number> {
    const p = new SqlParams(this.deps.db.kind);
    const ids = (
      (await em.query(
        `SELECT s.id FROM reply_subscriptions s JOIN comments c ON c.id = s.comment_id
          WHERE ${BY_EMAIL} = ${p.add(email)}`,
        p.values,
      )) as { id: number }[]
    ).map((r) => Number(r.id));
    if (ids.length === 0) return 0;
    const q = new SqlParams(this.deps.db.kind);
    const list = q.list(ids);
    await em.query(`DELETE FROM mail_messages WHERE subscription_id IN (${list})`, q.values);
    const d = new SqlParams(this.deps.db.kind);
    await em.query(`DELETE FROM reply_subscriptions WHERE id IN (${d.list(ids)})`, d.values);
    return ids.length;
  }
}
