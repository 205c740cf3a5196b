import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { KeptValues } from '../../db/changes.js';
import { insertOne, type Database } from '../../db/database.js';
import type { DomainEvent, DomainEventType, Subscribers } from '../../db/domain-events.js';
import { RemoteFetchError, type RemoteFetcher } from '../../lib/remote/fetch.js';
import type { JobAttempt } from '../jobs/job-worker.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from './entities.js';
import { listedEvents, WEBHOOK_EVENT_TYPES } from './events.js';
import { buildBodies, type PayloadContext } from './payloads.js';
import {
  DELIVER_JOB,
  deliveryJobKey,
  WEBHOOKS_TAG,
  type DeliverPayload,
} from './webhooks.service.js';

/** What one attempt came to. */
type Outcome =
  | { kind: 'delivered'; status: number }
  /** Worth trying again later: a network error, a timeout, 5xx, 408, 429. */
  | { kind: 'retry'; status: number | null; error: string }
  /** Trying again will not help: another 4xx, a redirect, a refused address or URL. */
  | { kind: 'final'; status: number | null; error: string };

/** Fetch errors that the same request will meet again: not retried. */
const FINAL_FETCH_ERRORS = new Set(['BAD_URL', 'FORBIDDEN_ADDRESS', 'UNTRUSTED_CERTIFICATE']);

/** Statuses that say "later": retried like a network error. */
const RETRY_STATUSES = new Set([408, 429]);

/** A message id in the Standard Webhooks form (`msg_…`), unique per message. */
function newMessageId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

/**
 * Turns domain events into signed webhook deliveries: the subscriber stores
 * one message per listening endpoint and queues its delivery job in the unit
 * of work of the event; the job makes one HTTP attempt and records it, and
 * throws to have the job queue retry with back-off.
 */
export class WebhookDeliverer {
  /** Which event types some enabled endpoint listens to: kept until an endpoint changes. */
  private readonly listened: KeptValues<ReadonlySet<DomainEventType>>;

  constructor(
    private readonly deps: {
      db: Database;
      jobs: JobQueue;
      fetcher: RemoteFetcher;
      payloads: PayloadContext;
    },
  ) {
    this.listened = new KeptValues(deps.db, WEBHOOKS_TAG);
  }

  /** A subscriber for every event type. */
  subscribers(): Subscribers {
    const handler = (event: DomainEvent) => this.heard(event);
    return Object.fromEntries(WEBHOOK_EVENT_TYPES.map((t) => [t, handler])) as Subscribers;
  }

  /**
   * Inside the unit of work of the event: when no endpoint listens (the
   * usual case), costs no statement; otherwise reads the listening
   * endpoints and what the payload tells, stores one message per endpoint
   * and queues its delivery (stored with the write, or not at all).
   */
  private async heard(event: DomainEvent): Promise<void> {
    const listened = await this.listened.get('', () => this.loadListened());
    if (!listened.has(event.type)) return;
    await this.deps.db.write(async (em) => {
      const endpoints = (
        await em.getRepository<WebhookEndpointRow>('WebhookEndpoint').find({
          where: { enabled: true },
          order: { id: 'ASC' },
        })
      ).filter((e) => listedEvents(e.events).includes(event.type));
      if (endpoints.length === 0) return;
      const now = new Date();
      const bodies = await buildBodies(em, event, this.deps.payloads, now);
      for (const endpoint of endpoints) {
        const delivery = await insertOne<WebhookDeliveryRow>(em, 'WebhookDelivery', {
          endpointId: endpoint.id,
          messageId: newMessageId(),
          eventType: event.type,
          payload: endpoint.includePrivateData ? bodies.private : bodies.public,
          status: 'PENDING',
          attempts: 0,
          createdAt: now,
          updatedAt: now,
        });
        const payload: DeliverPayload = { deliveryId: delivery.id };
        await this.deps.jobs.enqueue(DELIVER_JOB, payload, { key: deliveryJobKey(delivery.id) });
      }
    });
  }

  private async loadListened(): Promise<ReadonlySet<DomainEventType>> {
    const rows = await this.deps.db.read
      .getRepository<WebhookEndpointRow>('WebhookEndpoint')
      .find({ where: { enabled: true }, select: { events: true } });
    return new Set(rows.flatMap((r) => listedEvents(r.events)));
  }

  /**
   * One attempt to deliver a message (the job handler). Records it in the
   * delivery log; throws when it failed in a way worth retrying and the
   * queue has attempts left, so the queue tries again after its back-off.
   */
  async deliver(deliveryId: number, job: JobAttempt, redelivery = false): Promise<void> {
    const db = this.deps.db;
    const delivery = await db.read
      .getRepository<WebhookDeliveryRow>('WebhookDelivery')
      .findOneBy({ id: deliveryId });
    // Gone with its endpoint, or settled by another job (one taken over from a vanished
    // worker); a redelivery asked while an attempt ran is sent all the same.
    if (!delivery || (delivery.status !== 'PENDING' && !redelivery)) return;
    const endpoint = await db.read
      .getRepository<WebhookEndpointRow>('WebhookEndpoint')
      .findOneBy({ id: delivery.endpointId });
    if (!endpoint) return;
    if (!endpoint.enabled) {
      // Disabled since the event: nothing is sent; a redelivery after enabling it can.
      await db.write((em) =>
        em
          .getRepository<WebhookDeliveryRow>('WebhookDelivery')
          .update({ id: delivery.id }, { status: 'FAILED', updatedAt: new Date() }),
      );
      return;
    }

    const attemptedAt = new Date();
    const started = performance.now();
    const outcome = await this.send(endpoint, delivery, attemptedAt);
    const durationMs = Math.round(performance.now() - started);
    const retry = outcome.kind === 'retry' && !job.last;
    const status =
      outcome.kind === 'delivered' ? 'DELIVERED' : retry ? ('PENDING' as const) : 'FAILED';

    await db.write(async (em) => {
      const current = await em
        .getRepository<WebhookDeliveryRow>('WebhookDelivery')
        .findOneBy({ id: delivery.id });
      if (!current) return;
      await insertOne<WebhookAttemptRow>(em, 'WebhookAttempt', {
        deliveryId: delivery.id,
        attempt: current.attempts + 1,
        attemptedAt,
        responseStatus: outcome.status,
        durationMs,
        error: outcome.kind === 'delivered' ? null : outcome.error.slice(0, 500),
      });
      await em
        .getRepository<WebhookDeliveryRow>('WebhookDelivery')
        .update(
          { id: delivery.id },
          { status, attempts: current.attempts + 1, updatedAt: new Date() },
        );
    });
    if (retry) throw new Error(outcome.error);
  }

  /** POSTs the message, signed with the endpoint's current secret. */
  private async send(
    endpoint: WebhookEndpointRow,
    delivery: WebhookDeliveryRow,
    at: Date,
  ): Promise<Outcome> {
    let signature: string;
    try {
      signature = new Webhook(endpoint.secret).sign(delivery.messageId, at, delivery.payload);
    } catch (error) {
      return { kind: 'final', status: null, error: `cannot sign: ${(error as Error).message}` };
    }
    try {
      const response = await this.deps.fetcher.fetch(endpoint.url, {
        method: 'POST',
        followRedirects: false,
        headers: {
          'content-type': 'application/json',
          accept: '*/*',
          'webhook-id': delivery.messageId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: delivery.payload,
      });
      const status = response.status;
      if (status >= 200 && status < 300) return { kind: 'delivered', status };
      const error = `HTTP ${status}`;
      if (status >= 500 || RETRY_STATUSES.has(status)) return { kind: 'retry', status, error };
      return { kind: 'final', status, error };
    } catch (error) {
      if (error instanceof RemoteFetchError) {
        // The address policy's message starts with its errno-style code; the log says it once.
        const text = `${error.code}: ${error.message.replace(/^E[A-Z]+: /, '')}`;
        return FINAL_FETCH_ERRORS.has(error.code)
          ? { kind: 'final', status: null, error: text }
          : { kind: 'retry', status: null, error: text };
      }
      return { kind: 'retry', status: null, error: 'network error' };
    }
  }
}
