import type { Database } from '../../db/database.js';
import type { IncomingPingRow, LinkbackKind } from './entities.js';
import type { PostRow } from '../posts/entities.js';
import { isUniqueViolation } from '../../db/errors.js';
import { comparableUrl } from '../../lib/remote/html-document.js';
import { httpUrl, remoteText } from '../../lib/remote/plain-text.js';
import { parseId } from '../../lib/ids.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobAttempt } from '../jobs/job-worker.js';
import type { PostsService } from '../posts/posts.service.js';
import type { LinkbacksService } from './linkbacks.service.js';
import { LIMITS, messages } from './messages.js';
import type { SourceVerifier, Verification, VerificationFailure } from './verification.js';

export const WEBMENTION_JOB = 'webmention.verify';

/** Pingback 1.0 fault codes (https://www.hixie.ch/specs/pingback/pingback). */
export const PINGBACK_FAULTS = {
  generic: 0,
  sourceMissing: 16,
  noLink: 17,
  targetMissing: 32,
  targetNotEnabled: 33,
  alreadyRegistered: 48,
  accessDenied: 49,
  upstream: 50,
} as const;

const FAULT_FOR: Record<VerificationFailure, number> = {
  SOURCE_GONE: PINGBACK_FAULTS.sourceMissing,
  SOURCE_NOT_FOUND: PINGBACK_FAULTS.sourceMissing,
  FORBIDDEN_ADDRESS: PINGBACK_FAULTS.sourceMissing,
  UNTRUSTED_CERTIFICATE: PINGBACK_FAULTS.sourceMissing,
  NO_LINK: PINGBACK_FAULTS.noLink,
  UNAVAILABLE: PINGBACK_FAULTS.upstream,
  UPSTREAM: PINGBACK_FAULTS.upstream,
};

export type TrackbackResult = { ok: true } | { ok: false; message: string };
export type PingbackResult =
  { ok: true; message: string } | { ok: false; faultCode: number; message: string };
export type WebmentionResult =
  { ok: true; token: string } | { ok: false; status: 400 | 429; message: string };

export interface WebmentionStatus {
  /** retrying: a try failed in a way that may pass (timeout, 5xx, network); the queue tries again. */
  status: 'queued' | 'retrying' | 'accepted' | 'rejected';
  result: 'created' | 'updated' | 'deleted' | null;
  reason: string | null;
  source: string;
  target: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The three ways other sites tell us they link to a post. The protocol
 * checks differ; verification (one SourceVerifier), storage, moderation and
 * the rate limit are shared.
 */
export class LinkbackReceiver {
  constructor(
    private readonly deps: {
      db: Database;
      linkbacks: LinkbacksService;
      posts: PostsService;
      verifier: SourceVerifier;
      jobs: JobQueue;
    },
  ) {}

  /** Verifies synchronously and stores (trackback and pingback); the ping is recorded either way. */
  private async verifyAndStore(
    kind: LinkbackKind,
    post: PostRow,
    sourceUrl: string,
    targetUrl: string,
    sent: { title?: string | null; excerpt?: string | null; blogName?: string | null } = {},
  ): Promise<{ stored: true } | { stored: false; verification?: Verification; duplicate?: true }> {
    const { linkbacks, verifier } = this.deps;
    const verification = await verifier.verify(sourceUrl, targetUrl);
    const ping = { kind, sourceUrl, targetUrl, postId: post.id };
    if (!verification.ok) {
      await linkbacks.recordPing({ ...ping, status: 'REJECTED', reason: verification.message });
      return { stored: false, verification };
    }
    const { evidence } = verification;
    try {
      const row = await linkbacks.create({
        postId: post.id,
        kind,
        sourceUrl,
        targetUrl,
        ...evidence,
        title: sent.title ?? evidence.title,
        excerpt: sent.excerpt ?? evidence.excerpt,
        blogName: sent.blogName ?? null,
      });
      await linkbacks.recordPing({
        ...ping,
        status: 'ACCEPTED',
        result: 'CREATED',
        linkbackId: row.id,
      });
      return { stored: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return { stored: false, duplicate: true };
    }
  }

  /** Trackback 1.2: `url` required; `title`, `excerpt`, `blog_name` optional (plain text is kept). */
  async trackback(rawPostId: string, form: Record<string, string>): Promise<TrackbackResult> {
    const { linkbacks, posts } = this.deps;
    const postId = parseId(rawPostId);
    const post = postId === null ? null : await posts.findPublishedById(postId);
    if (!post) return { ok: false, message: messages.postNotFound };
    if (!form.url?.trim()) return { ok: false, message: messages.urlRequired };
    const sourceUrl = httpUrl(form.url, LIMITS.url);
    if (!sourceUrl) return { ok: false, message: messages.urlInvalid };
    if (!post.pingsOpen) return { ok: false, message: messages.pingsClosed };
    if (await linkbacks.findBySource(post.id, sourceUrl)) {
      return { ok: false, message: messages.alreadyRegistered };
    }
    if (await linkbacks.isRateLimited(sourceUrl))
      return { ok: false, message: messages.rateLimited };

    const outcome = await this.verifyAndStore('TRACKBACK', post, sourceUrl, posts.postUrl(post), {
      title: remoteText(form.title, LIMITS.title),
      excerpt: remoteText(form.excerpt, LIMITS.excerpt),
      blogName: remoteText(form.blog_name, LIMITS.blogName),
    });
    if (outcome.stored) return { ok: true };
    if (outcome.duplicate) return { ok: false, message: messages.alreadyRegistered };
    return { ok: false, message: outcome.verification!.ok ? '' : outcome.verification!.message };
  }

  /** Pingback 1.0 `pingback.ping(sourceURI, targetURI)`, verified before answering. */
  async pingback(source: string, target: string): Promise<PingbackResult> {
    const { linkbacks } = this.deps;
    const fault = (faultCode: number, message: string): PingbackResult => ({
      ok: false,
      faultCode,
      message,
    });
    const sourceUrl = httpUrl(source, LIMITS.url);
    if (!sourceUrl) return fault(PINGBACK_FAULTS.sourceMissing, messages.sourceInvalid);
    const targetUrl = httpUrl(target, LIMITS.url);
    if (!targetUrl) return fault(PINGBACK_FAULTS.targetNotEnabled, messages.targetInvalid);
    if (comparableUrl(sourceUrl) === comparableUrl(targetUrl)) {
      return fault(PINGBACK_FAULTS.generic, messages.sameSourceAndTarget);
    }
    const lookup = await linkbacks.postForTarget(targetUrl);
    if (!lookup.found) {
      return lookup.reason === 'NOT_OURS'
        ? fault(PINGBACK_FAULTS.targetNotEnabled, messages.targetNotOurs)
        : fault(PINGBACK_FAULTS.targetMissing, messages.targetNotFound);
    }
    const { post } = lookup;
    if (!post.pingsOpen) return fault(PINGBACK_FAULTS.targetNotEnabled, messages.pingsClosed);
    if (await linkbacks.findBySource(post.id, sourceUrl)) {
      return fault(PINGBACK_FAULTS.alreadyRegistered, messages.alreadyRegistered);
    }
    if (await linkbacks.isRateLimited(sourceUrl)) {
      return fault(PINGBACK_FAULTS.accessDenied, messages.rateLimited);
    }

    const outcome = await this.verifyAndStore('PINGBACK', post, sourceUrl, targetUrl);
    if (outcome.stored) {
      return { ok: true, message: messages.pingbackRegistered(sourceUrl, targetUrl) };
    }
    if (outcome.duplicate)
      return fault(PINGBACK_FAULTS.alreadyRegistered, messages.alreadyRegistered);
    const verification = outcome.verification!;
    return verification.ok
      ? fault(PINGBACK_FAULTS.generic, messages.internal)
      : fault(FAULT_FOR[verification.failure], verification.message);
  }

  /**
   * Webmention: the synchronous checks, then a queued verification. The
   * queued ping and its job are written in one transaction.
   */
  async webmention(
    source: string | undefined,
    target: string | undefined,
  ): Promise<WebmentionResult> {
    const { linkbacks, jobs, db } = this.deps;
    const bad = (message: string): WebmentionResult => ({ ok: false, status: 400, message });
    if (!source?.trim()) return bad(messages.sourceRequired);
    if (!target?.trim()) return bad(messages.targetRequired);
    const sourceUrl = httpUrl(source, LIMITS.url);
    if (!sourceUrl) return bad(messages.sourceInvalid);
    const targetUrl = httpUrl(target, LIMITS.url);
    if (!targetUrl) return bad(messages.targetInvalid);
    if (comparableUrl(sourceUrl) === comparableUrl(targetUrl))
      return bad(messages.sameSourceAndTarget);
    const lookup = await linkbacks.postForTarget(targetUrl);
    if (!lookup.found) return bad(messages.targetNotFound);
    if (!lookup.post.pingsOpen) return bad(messages.pingsClosed);
    if (await linkbacks.isRateLimited(sourceUrl)) {
      return { ok: false, status: 429, message: messages.rateLimited };
    }

    const ping = await db.write(async () => {
      const row = await linkbacks.recordPing({
        kind: 'WEBMENTION',
        sourceUrl,
        targetUrl,
        postId: lookup.post.id,
        status: 'QUEUED',
      });
      await jobs.enqueue(WEBMENTION_JOB, { pingId: row.id });
      return row;
    });
    return { ok: true, token: ping.token };
  }

  /**
   * The queued verification of a webmention (a job). A repeated mention
   * updates; a gone or unlinked source removes. A source that times out,
   * fails (5xx) or cannot be reached is tried again with the queue's
   * back-off (the status reads `retrying`), and rejected after the last
   * attempt; anything else is final at once.
   */
  async processWebmention(pingId: number, attempt: JobAttempt): Promise<void> {
    const { linkbacks, posts, verifier } = this.deps;
    const ping = await linkbacks.findPing(pingId);
    if (!ping || (ping.status !== 'QUEUED' && ping.status !== 'RETRYING')) return;
    const post = ping.postId === null ? null : await posts.findPublishedById(ping.postId);
    if (!post) {
      await linkbacks.updatePing(ping.id, { status: 'REJECTED', reason: messages.targetNotFound });
      return;
    }
    const verification = await verifier.verify(ping.sourceUrl, ping.targetUrl);
    const existing = await linkbacks.findBySource(post.id, ping.sourceUrl);

    if (verification.ok) {
      if (existing) {
        await linkbacks.refresh(existing.id, verification.evidence);
        await linkbacks.updatePing(ping.id, {
          status: 'ACCEPTED',
          result: 'UPDATED',
          reason: messages.accepted,
          linkbackId: existing.id,
        });
        return;
      }
      const created = await this.createWebmention(ping, post, verification);
      await linkbacks.updatePing(ping.id, {
        status: 'ACCEPTED',
        result: created ? 'CREATED' : 'UPDATED',
        reason: messages.accepted,
        linkbackId: created?.id ?? null,
      });
      return;
    }
    const removes = verification.failure === 'SOURCE_GONE' || verification.failure === 'NO_LINK';
    if (existing && removes) {
      await linkbacks.remove(existing.id);
      await linkbacks.updatePing(ping.id, {
        status: 'ACCEPTED',
        result: 'DELETED',
        reason: messages.removed(verification.message),
      });
      return;
    }
    if (verification.failure === 'UNAVAILABLE') {
      if (!attempt.last) {
        const reason = messages.retrying(verification.message, attempt.attempt);
        await linkbacks.updatePing(ping.id, { status: 'RETRYING', reason });
        // The queue runs the job again after its back-off.
        throw new Error(reason);
      }
      await linkbacks.updatePing(ping.id, {
        status: 'REJECTED',
        reason: messages.gaveUp(verification.message, attempt.attempt),
      });
      return;
    }
    await linkbacks.updatePing(ping.id, { status: 'REJECTED', reason: verification.message });
  }

  private async createWebmention(
    ping: IncomingPingRow,
    post: PostRow,
    verification: Extract<Verification, { ok: true }>,
  ) {
    try {
      return await this.deps.linkbacks.create({
        postId: post.id,
        kind: 'WEBMENTION',
        sourceUrl: ping.sourceUrl,
        targetUrl: ping.targetUrl,
        ...verification.evidence,
      });
    } catch (error) {
      // Another process stored the same mention meanwhile: refresh that one.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.deps.linkbacks.findBySource(post.id, ping.sourceUrl);
      if (existing) await this.deps.linkbacks.refresh(existing.id, verification.evidence);
      return null;
    }
  }

  /** What the status URL of a webmention tells; null for unknown tokens. */
  async webmentionStatus(token: string): Promise<WebmentionStatus | null> {
    if (!/^[\w-]{10,64}$/.test(token)) return null;
    const ping = await this.deps.linkbacks.findPingByToken(token);
    if (!ping || ping.kind !== 'WEBMENTION') return null;
    return {
      status: ping.status.toLowerCase() as WebmentionStatus['status'],
      result: (ping.result?.toLowerCase() ?? null) as WebmentionStatus['result'],
      reason: ping.reason ?? (ping.status === 'QUEUED' ? messages.queued : null),
      source: ping.sourceUrl,
      target: ping.targetUrl,
      createdAt: ping.createdAt.toISOString(),
      updatedAt: ping.updatedAt.toISOString(),
    };
  }
}
