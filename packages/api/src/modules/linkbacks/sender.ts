import type { Database } from '../../db/database.js';
import type { Config } from '../../config.js';
import type { OutgoingPingRow, OutgoingPingStatus } from './entities.js';
import type { PostRow } from '../posts/entities.js';
import {
  decodeBody,
  RemoteFetchError,
  type RemoteFetcher,
  type RemoteResponse,
} from '../../lib/remote/fetch.js';
import { comparableUrl, readHtml } from '../../lib/remote/html-document.js';
import { cleanText } from '../../lib/remote/plain-text.js';
import { assertCan } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobAttempt } from '../jobs/job-worker.js';
import type { PostsService } from '../posts/posts.service.js';
import { discoverEndpoint, type Endpoint } from './discovery.js';
import { LIMITS } from './messages.js';
import { methodCallXml, parseMethodResponse, XmlRpcError } from './xmlrpc.js';

export const SEND_JOB = 'ping.send';

/** What one attempt came to: final, or worth retrying later. */
type Outcome = { status: OutgoingPingStatus | 'RETRY'; response?: string; error?: string };

/** A ping in these states has a job queued or running: it is not queued again. */
const WAITING: OutgoingPingStatus[] = ['QUEUED', 'RETRYING'];

const TRANSIENT = new Set(['TIMEOUT', 'NETWORK', 'NOT_FOUND', 'TOO_MANY_REDIRECTS']);

function describeResponse(response: RemoteResponse, detail?: string): string {
  const text = detail ?? cleanText(decodeBody(response), 300) ?? '';
  const location = response.headers.location
    ? `; Location: ${String(response.headers.location)}`
    : '';
  return `HTTP ${response.status}${location}${text ? `; ${text}` : ''}`.slice(0, 1000);
}

/**
 * Sends webmentions (or pingbacks, where a site only speaks that) for the
 * links of a published post, from the durable job queue, with retries and
 * back-off, recording each target's outcome in outgoing_pings. The editorial
 * API calls postPublished / postUpdated; the job worker calls send.
 */
export class LinkbackSender {
  constructor(
    private readonly deps: {
      db: Database;
      config: Config;
      posts: PostsService;
      jobs: JobQueue;
      fetcher: RemoteFetcher;
    },
  ) {}

  private get repo() {
    return this.deps.db.read.getRepository<OutgoingPingRow>('OutgoingPing');
  }

  /** The http(s) links of a post's HTML to other sites (ours are left out), without fragments, deduplicated. */
  linkTargets(html: string, postUrl: string): string[] {
    const own = new URL(`${this.deps.config.publicUrl}/`);
    const targets = new Set<string>();
    for (const link of readHtml(html, postUrl).links) {
      if (link.tag !== 'a' || !link.url) continue;
      const url = new URL(link.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      if (url.origin === own.origin && url.pathname.startsWith(own.pathname)) continue;
      const target = comparableUrl(link.url);
      if (target && target.length <= LIMITS.url) targets.add(target);
      if (targets.size >= LIMITS.linksPerPost) break;
    }
    return [...targets];
  }

  /** Queues a ping for every link of a just-published post. */
  async postPublished(postId: number): Promise<OutgoingPingRow[]> {
    const post = await this.deps.posts.findPublishedById(postId);
    if (!post) return [];
    const targets = this.linkTargets(post.contentHtml, this.deps.posts.postUrl(post));
    return this.queue(
      post,
      targets.map((url) => ({ url, removed: false })),
    );
  }

  /**
   * Queues pings after a published post changed: every current link again
   * (so receivers refresh what they show) and every removed link (a
   * webmention receiver then drops the mention).
   */
  async postUpdated(postId: number, previousHtml: string): Promise<OutgoingPingRow[]> {
    const post = await this.deps.posts.findPublishedById(postId);
    if (!post) return [];
    const postUrl = this.deps.posts.postUrl(post);
    const current = this.linkTargets(post.contentHtml, postUrl);
    const removed = this.linkTargets(previousHtml, postUrl).filter((url) => !current.includes(url));
    return this.queue(post, [
      ...current.map((url) => ({ url, removed: false })),
      ...removed.map((url) => ({ url, removed: true })),
    ]);
  }

  /** Every outgoing ping of a post with its outcome (for editors). */
  /** The pings of a post, for those who may edit it (post:edit on its author). */
  outgoingPingsFor(viewer: Viewer | null, post: PostRow): Promise<OutgoingPingRow[]> {
    assertCan(viewer, 'post:edit', { authorId: post.authorId });
    return this.outgoingPings(post.id);
  }

  outgoingPings(postId: number): Promise<OutgoingPingRow[]> {
    return this.repo.find({ where: { postId }, order: { id: 'ASC' } });
  }

  /**
   * Queues a ping (and its job) for each target, in one unit of work. A
   * target whose ping waits already (QUEUED or RETRYING: its job is queued or
   * running) is left alone, so each ping has at most one job and two
   * announcements of a post at once send each ping once. The statements
   * decide that, not a read before them: on PostgreSQL the second unit of
   * work waits on the first one's row (the unique (post_id, target_url)
   * index, then the row lock) and then finds it waiting; SQLite runs one
   * unit of work at a time.
   */
  private async queue(
    post: PostRow,
    targets: { url: string; removed: boolean }[],
  ): Promise<OutgoingPingRow[]> {
    if (targets.length === 0) return [];
    return this.deps.db.write(async (em) => {
      const repo = em.getRepository<OutgoingPingRow>('OutgoingPing');
      const queued: OutgoingPingRow[] = [];
      for (const target of targets) {
        const now = new Date();
        // The target's row when it has none yet (ON CONFLICT DO NOTHING / INSERT OR IGNORE),
        // in a state the UPDATE below takes up at once.
        await repo
          .createQueryBuilder()
          .insert()
          .values({
            postId: post.id,
            targetUrl: target.url,
            status: 'SKIPPED',
            linkRemoved: target.removed,
            attempts: 0,
            createdAt: now,
            updatedAt: now,
          })
          .orIgnore()
          .execute();
        const { affected } = await repo
          .createQueryBuilder()
          .update()
          .set({
            endpoint: null,
            protocol: null,
            status: 'QUEUED',
            linkRemoved: target.removed,
            attempts: 0,
            lastResponse: null,
            lastError: null,
            updatedAt: now,
          })
          .where('post_id = :postId AND target_url = :url AND status NOT IN (:...waiting)', {
            postId: post.id,
            url: target.url,
            waiting: WAITING,
          })
          .execute();
        if (!affected) continue;
        const row = await repo.findOneByOrFail({ postId: post.id, targetUrl: target.url });
        await this.deps.jobs.enqueue(SEND_JOB, { outgoingPingId: row.id });
        queued.push(row);
      }
      return queued;
    });
  }

  /** One attempt at one outgoing ping (a job). Throws to have the queue retry later. */
  async send(outgoingPingId: number, attempt: JobAttempt): Promise<void> {
    const ping = await this.repo.findOneBy({ id: outgoingPingId });
    if (!ping) return;
    const post = await this.deps.posts.findPublishedById(ping.postId);
    let endpoint: Endpoint | null = null;
    let outcome: Outcome;
    if (!post) {
      outcome = { status: 'SKIPPED', error: 'The post is not published.' };
    } else {
      try {
        const found = await this.discover(ping.targetUrl);
        endpoint = 'endpoint' in found ? found.endpoint : null;
        if ('outcome' in found) outcome = found.outcome;
        else if (!endpoint) outcome = { status: 'NO_ENDPOINT' };
        else if (endpoint.protocol === 'PINGBACK' && ping.linkRemoved)
          outcome = { status: 'SKIPPED', error: 'The link was removed; pingback cannot retract.' };
        else if (endpoint.protocol === 'WEBMENTION')
          outcome = await this.sendWebmention(
            endpoint.url,
            this.deps.posts.postUrl(post),
            ping.targetUrl,
          );
        else
          outcome = await this.sendPingback(
            endpoint.url,
            this.deps.posts.postUrl(post),
            ping.targetUrl,
          );
      } catch (error) {
        if (!(error instanceof RemoteFetchError)) throw error;
        outcome = { status: TRANSIENT.has(error.code) ? 'RETRY' : 'FAILED', error: error.message };
      }
    }

    const retry = outcome.status === 'RETRY' && !attempt.last;
    await this.deps.db.write((em) =>
      em.getRepository<OutgoingPingRow>('OutgoingPing').update(
        { id: ping.id },
        {
          endpoint: endpoint?.url ?? null,
          protocol: endpoint?.protocol ?? null,
          status: outcome.status === 'RETRY' ? (retry ? 'RETRYING' : 'FAILED') : outcome.status,
          attempts: attempt.attempt,
          lastResponse: outcome.response ?? null,
          lastError: outcome.error ?? null,
          updatedAt: new Date(),
        },
      ),
    );
    if (retry) throw new Error(outcome.error ?? outcome.response ?? 'retry');
  }

  private async discover(
    targetUrl: string,
  ): Promise<{ endpoint: Endpoint | null } | { outcome: Outcome }> {
    const response = await this.deps.fetcher.fetch(targetUrl);
    if (response.status >= 500) {
      return {
        outcome: {
          status: 'RETRY',
          response: describeResponse(response),
          error: 'The target page failed.',
        },
      };
    }
    if (response.status >= 400) {
      return {
        outcome: {
          status: 'FAILED',
          response: describeResponse(response),
          error: 'The target page is missing.',
        },
      };
    }
    return { endpoint: discoverEndpoint(response) };
  }

  private async sendWebmention(endpoint: string, source: string, target: string): Promise<Outcome> {
    const response = await this.deps.fetcher.fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ source, target }).toString(),
    });
    const described = describeResponse(response);
    if (response.status >= 200 && response.status < 300)
      return { status: 'SENT', response: described };
    if (response.status >= 500 || response.status === 429) {
      return { status: 'RETRY', response: described, error: 'The endpoint failed.' };
    }
    return { status: 'FAILED', response: described, error: 'The endpoint refused the webmention.' };
  }

  private async sendPingback(endpoint: string, source: string, target: string): Promise<Outcome> {
    const response = await this.deps.fetcher.fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: methodCallXml('pingback.ping', [source, target]),
    });
    if (response.status >= 500) {
      return {
        status: 'RETRY',
        response: describeResponse(response),
        error: 'The endpoint failed.',
      };
    }
    if (response.status !== 200) {
      return {
        status: 'FAILED',
        response: describeResponse(response),
        error: 'The endpoint refused the pingback.',
      };
    }
    let answer;
    try {
      answer = parseMethodResponse(decodeBody(response));
    } catch (error) {
      if (!(error instanceof XmlRpcError)) throw error;
      return {
        status: 'FAILED',
        response: describeResponse(response),
        error: `Not an XML-RPC response: ${error.message}`,
      };
    }
    if (answer.ok) {
      return {
        status: 'SENT',
        response: describeResponse(response, cleanText(String(answer.value), 300) ?? ''),
      };
    }
    const fault = `fault ${answer.faultCode}: ${cleanText(answer.faultString, 300) ?? ''}`;
    // 48: the receiver already has it, which is what we wanted.
    if (answer.faultCode === 48)
      return { status: 'SENT', response: describeResponse(response, fault) };
    if (answer.faultCode === 50)
      return { status: 'RETRY', response: describeResponse(response, fault), error: fault };
    return { status: 'FAILED', response: describeResponse(response, fault), error: fault };
  }
}
