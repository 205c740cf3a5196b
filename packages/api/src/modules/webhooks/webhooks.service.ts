import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import net from 'node:net';
import { In } from 'typeorm';
import { insertOne, updateOne, type Database } from '../../db/database.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { parseId } from '../../lib/ids.js';
import { isAddressAllowed } from '../../lib/remote/address-policy.js';
import { parseHttpUrl } from '../../lib/remote/fetch.js';
import { clean } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { assertCan } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from './entities.js';
import { eventType, listedEvents } from './events.js';
import { LIMITS, messages } from './messages.js';

/** Named by every write of an endpoint: the deliverer keeps which events are listened to until then. */
export const WEBHOOKS_TAG = 'webhooks';

/** The job that makes one attempt to deliver a message. */
export const DELIVER_JOB = 'webhook.deliver';

/** What a DELIVER_JOB carries: the delivery, and whether an administrator asked for it again. */
export interface DeliverPayload {
  deliveryId: number;
  redelivery?: boolean;
}

/** A delivery's job key: a redelivery replaces a waiting retry rather than queueing beside it. */
export const deliveryJobKey = (deliveryId: number) => `webhook:${deliveryId}`;

/** A host name is looked up for at most this long when an endpoint is saved. */
const LOOKUP_TIMEOUT_MS = 3000;

export interface WebhookEndpointInput {
  url?: string | null;
  events?: readonly string[] | null;
  description?: string | null;
  includePrivateData?: boolean | null;
  enabled?: boolean | null;
}

export interface EndpointPayload {
  endpoint: WebhookEndpointRow | null;
  /** Only when the secret was made (create, rotate): shown this once. */
  secret: string | null;
  errors: UserError[];
}

const err = (field: string | null, code: string, message: string): UserError => ({
  field,
  code,
  message,
});

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** What administrators do with webhook endpoints (webhook:manage). */
export class WebhooksService {
  constructor(
    private readonly deps: {
      db: Database;
      jobs: JobQueue;
      config: { remoteFetch: { allowLoopback: boolean } };
    },
  ) {}

  private get endpoints() {
    return this.deps.db.read.getRepository<WebhookEndpointRow>('WebhookEndpoint');
  }

  list(viewer: Viewer | null): Promise<WebhookEndpointRow[]> {
    assertCan(viewer, 'webhook:manage');
    return this.endpoints.find({ order: { id: 'ASC' } });
  }

  async get(viewer: Viewer | null, id: string): Promise<WebhookEndpointRow | null> {
    assertCan(viewer, 'webhook:manage');
    const endpointId = parseId(id);
    return endpointId === null ? null : this.endpoints.findOneBy({ id: endpointId });
  }

  async create(viewer: Viewer | null, input: WebhookEndpointInput): Promise<EndpointPayload> {
    assertCan(viewer, 'webhook:manage');
    const errors: UserError[] = [];
    const fields = await this.check(input, null, errors);
    if (errors.length > 0) return { endpoint: null, secret: null, errors };
    const secret = newWebhookSecret();
    const now = new Date();
    const endpoint = await this.deps.db.write((em) => {
      this.deps.db.changed(WEBHOOKS_TAG);
      return insertOne<WebhookEndpointRow>(em, 'WebhookEndpoint', {
        ...fields,
        secret,
        createdAt: now,
        updatedAt: now,
      });
    });
    return { endpoint, secret, errors: [] };
  }

  /** Changes what the input names; enabling and disabling is `enabled`. */
  async update(
    viewer: Viewer | null,
    id: string,
    input: WebhookEndpointInput,
  ): Promise<EndpointPayload> {
    assertCan(viewer, 'webhook:manage');
    const current = await this.find(id);
    if (!current) return notFound();
    const errors: UserError[] = [];
    const fields = await this.check(input, current, errors);
    if (errors.length > 0) return { endpoint: null, secret: null, errors };
    const endpoint = await this.deps.db.write((em) => {
      this.deps.db.changed(WEBHOOKS_TAG);
      return updateOne<WebhookEndpointRow>(em, 'WebhookEndpoint', current.id, {
        ...fields,
        updatedAt: new Date(),
      });
    });
    return { endpoint, secret: null, errors: [] };
  }

  /** A new secret, shown this once; the old one signs nothing from now on (retries included). */
  async rotateSecret(viewer: Viewer | null, id: string): Promise<EndpointPayload> {
    assertCan(viewer, 'webhook:manage');
    const current = await this.find(id);
    if (!current) return notFound();
    const secret = newWebhookSecret();
    const endpoint = await this.deps.db.write((em) => {
      this.deps.db.changed(WEBHOOKS_TAG);
      return updateOne<WebhookEndpointRow>(em, 'WebhookEndpoint', current.id, {
        secret,
        updatedAt: new Date(),
      });
    });
    return { endpoint, secret, errors: [] };
  }

  /** Deletes the endpoint with its delivery log; its waiting deliveries are dropped. */
  async delete(viewer: Viewer | null, id: string): Promise<UserError[]> {
    assertCan(viewer, 'webhook:manage');
    const current = await this.find(id);
    if (!current) return notFound().errors;
    await this.deps.db.write(async (em) => {
      this.deps.db.changed(WEBHOOKS_TAG);
      const deliveries = await em
        .getRepository<WebhookDeliveryRow>('WebhookDelivery')
        .find({ where: { endpointId: current.id }, select: { id: true } });
      // Waiting jobs would find nothing to send; cancelled so they do not linger.
      for (const d of deliveries) await this.deps.jobs.cancel(deliveryJobKey(d.id));
      // Attempts and deliveries go with the endpoint (ON DELETE CASCADE).
      await em.getRepository<WebhookEndpointRow>('WebhookEndpoint').delete({ id: current.id });
    });
    return [];
  }

  /** The endpoint's latest messages, newest first. */
  deliveries(endpointId: number, first: number | null | undefined): Promise<WebhookDeliveryRow[]> {
    const take = Math.min(Math.max(first ?? 20, 1), LIMITS.deliveries);
    return this.deps.db.read
      .getRepository<WebhookDeliveryRow>('WebhookDelivery')
      .find({ where: { endpointId }, order: { id: 'DESC' }, take });
  }

  /** The attempts of each of several messages, first first (one statement, for the log's DataLoader). */
  async attempts(deliveryIds: readonly number[]): Promise<WebhookAttemptRow[][]> {
    const rows = await this.deps.db.read
      .getRepository<WebhookAttemptRow>('WebhookAttempt')
      .find({ where: { deliveryId: In([...deliveryIds]) }, order: { attempt: 'ASC' } });
    return deliveryIds.map((id) => rows.filter((r) => r.deliveryId === id));
  }

  /**
   * Sends a message again, as it was (same body, same webhook-id), signed
   * with the endpoint's current secret; the attempts go on counting.
   */
  async redeliver(
    viewer: Viewer | null,
    id: string,
  ): Promise<{ delivery: WebhookDeliveryRow | null; errors: UserError[] }> {
    assertCan(viewer, 'webhook:manage');
    const deliveryId = parseId(id);
    const none = { delivery: null, errors: [err('id', 'NOT_FOUND', messages.deliveryNotFound)] };
    if (deliveryId === null) return none;
    return this.deps.db.write(async (em) => {
      const delivery = await em
        .getRepository<WebhookDeliveryRow>('WebhookDelivery')
        .findOneBy({ id: deliveryId });
      if (!delivery) return none;
      const endpoint = await em
        .getRepository<WebhookEndpointRow>('WebhookEndpoint')
        .findOneBy({ id: delivery.endpointId });
      if (!endpoint?.enabled)
        return {
          delivery: null,
          errors: [err('id', 'ENDPOINT_DISABLED', messages.endpointDisabled)],
        };
      const updated = await updateOne<WebhookDeliveryRow>(em, 'WebhookDelivery', delivery.id, {
        status: 'PENDING',
        updatedAt: new Date(),
      });
      const payload: DeliverPayload = { deliveryId: delivery.id, redelivery: true };
      await this.deps.jobs.enqueue(DELIVER_JOB, payload, { key: deliveryJobKey(delivery.id) });
      return { delivery: updated, errors: [] };
    });
  }

  private async find(id: string): Promise<WebhookEndpointRow | null> {
    const endpointId = parseId(id);
    return endpointId === null ? null : this.endpoints.findOneBy({ id: endpointId });
  }

  /** Validates the editable fields (URL and events required when creating); adds to `errors`. */
  private async check(
    input: WebhookEndpointInput,
    current: WebhookEndpointRow | null,
    errors: UserError[],
  ) {
    const url = input.url == null ? (current?.url ?? '') : clean(input.url);
    if (!url) errors.push(err('url', 'REQUIRED', messages.urlRequired));
    else if (url.length > LIMITS.url) errors.push(err('url', 'TOO_LONG', messages.urlTooLong));
    else if (input.url != null) {
      const problem = await this.urlProblem(url);
      if (problem) errors.push(problem);
    }

    let events = current ? listedEvents(current.events) : [];
    if (input.events != null) {
      events = [];
      for (const name of input.events) {
        const type = eventType(name);
        if (type && !events.includes(type)) events.push(type);
      }
    }
    if (events.length === 0) errors.push(err('events', 'REQUIRED', messages.eventsRequired));

    const description =
      input.description == null ? (current?.description ?? '') : clean(input.description);
    if (description.length > LIMITS.description)
      errors.push(err('description', 'TOO_LONG', messages.descriptionTooLong));

    return {
      url,
      events: listedEvents(events.join(',')).join(','),
      description,
      includePrivateData: input.includePrivateData ?? current?.includePrivateData ?? false,
      enabled: input.enabled ?? current?.enabled ?? true,
    };
  }

  /**
   * Why a URL is refused: not http(s), credentials in it, or a host that is
   * (or resolves to) an address the remote-fetch policy forbids. A name that
   * does not resolve now is let through: delivery checks again, at connect time.
   */
  private async urlProblem(raw: string): Promise<UserError | null> {
    let url: URL;
    try {
      url = parseHttpUrl(raw);
    } catch {
      return err('url', 'INVALID_URL', messages.urlInvalid);
    }
    if (!url.hostname) return err('url', 'INVALID_URL', messages.urlInvalid);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const allowLoopback = this.deps.config.remoteFetch.allowLoopback;
    const addresses = net.isIP(host) ? [host] : await resolve(host);
    if (addresses.some((a) => !isAddressAllowed(a, allowLoopback)))
      return err('url', 'FORBIDDEN_ADDRESS', messages.urlForbidden);
    return null;
  }
}

function notFound(): EndpointPayload {
  return {
    endpoint: null,
    secret: null,
    errors: [err('id', 'NOT_FOUND', messages.endpointNotFound)],
  };
}

/** The addresses a name resolves to; none when it does not resolve (in time). */
async function resolve(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((done) => {
    timer = setTimeout(() => done([]), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      dns.promises
        .lookup(host, { all: true, verbatim: true })
        .then((list) => list.map((a) => a.address))
        .catch(() => []),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
