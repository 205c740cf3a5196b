import type { Database } from '../../db/database.js';
import { dbDate } from '../../db/dates.js';
import { inBatches } from '../../db/prune.js';
import { daysBefore } from '../jobs/recurring.js';
import type { DiscussionSettingsService } from '../discussion/discussion-settings.service.js';

/** The recurring job that clears old comments' IP addresses and user agents. */
export const ANONYMISE_IPS_JOB = 'comments.anonymise-ips';

/**
 * Retention of the comments' identifying data: the IP address and user
 * agent of a comment are kept `keepCommentIpDays` (a discussion setting)
 * for moderation (the flood rule, spam), then set to null.
 */
export class CommentRetention {
  constructor(
    private readonly deps: { db: Database; discussionSettings: DiscussionSettingsService },
  ) {}

  /**
   * Clears the IP address and user agent of every comment older than the
   * setting, in batches (db/prune.ts), each its own unit of work. Returns
   * how many comments it changed; 0 when the setting keeps them.
   */
  async anonymiseOld(now: Date = new Date()): Promise<number> {
    const days = (await this.deps.discussionSettings.get()).keepCommentIpDays;
    if (days === null) return 0;
    return inBatches(this.deps.db, {
      entity: 'Comment',
      table: 'comments',
      // The condition of idx_comments_identifying_created, word for word, so both
      // databases see that the partial index applies.
      where: '(ip IS NOT NULL OR user_agent IS NOT NULL) AND created_at < :before',
      params: { before: dbDate(this.deps.db, daysBefore(now, days)) },
      set: { ip: null, userAgent: null },
      // IP and user agent are for moderators only: no reader's response changes.
      tags: [],
    });
  }
}
