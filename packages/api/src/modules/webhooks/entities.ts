import { EntitySchema } from 'typeorm';
import { ID_COLUMN, timestampType, type DbKind } from '../../db/columns.js';

/** Where a message stands: waiting for (another) attempt, delivered, or given up. */
export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** A receiver of webhooks, as an administrator configured it. */
export interface WebhookEndpointRow {
  id: number;
  url: string;
  description: string;
  /** The event types it receives, comma-separated (e.g. `comment.created,comment.approved`). */
  events: string;
  /**
   * The signing secret (`whsec_…`). Kept as it is, not hashed: every
   * delivery is signed with it. The API shows it only when it is made.
   */
  secret: string;
  /** Payloads carry commenters' email, IP and user agent. */
  includePrivateData: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One message to one endpoint: its body is built when the event happens and
 * kept, so every attempt and redelivery sends the same bytes under the same
 * webhook-id.
 */
export interface WebhookDeliveryRow {
  id: number;
  endpointId: number;
  /** The webhook-id header: `msg_…`, the same on every attempt. */
  messageId: string;
  eventType: string;
  /** The JSON body sent. */
  payload: string;
  status: WebhookDeliveryStatus;
  /** Attempts made so far, redeliveries included. */
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One attempt to deliver a message: the delivery log. */
export interface WebhookAttemptRow {
  id: number;
  deliveryId: number;
  /** 1 for the first attempt of the message; redeliveries go on counting. */
  attempt: number;
  attemptedAt: Date;
  /** The receiver's HTTP status; null when none came (network error, timeout, refused address). */
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** Webhook endpoints, their messages and the attempts to deliver them. */
export function webhookEntities(kind: DbKind) {
  const ts = timestampType(kind);
  const id = ID_COLUMN;

  const WebhookEndpoint = new EntitySchema<WebhookEndpointRow>({
    name: 'WebhookEndpoint',
    tableName: 'webhook_endpoints',
    columns: {
      id,
      url: { type: 'varchar', length: 2000 },
      description: { type: 'varchar', length: 500 },
      events: { type: 'varchar', length: 500 },
      secret: { type: 'varchar', length: 200 },
      includePrivateData: { type: 'boolean', name: 'include_private_data' },
      enabled: { type: 'boolean' },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });

  const WebhookDelivery = new EntitySchema<WebhookDeliveryRow>({
    name: 'WebhookDelivery',
    tableName: 'webhook_deliveries',
    columns: {
      id,
      endpointId: { type: 'integer', name: 'endpoint_id' },
      messageId: { type: 'varchar', length: 64, name: 'message_id', unique: true },
      eventType: { type: 'varchar', length: 50, name: 'event_type' },
      payload: { type: 'text' },
      status: { type: 'varchar', length: 16 },
      attempts: { type: 'integer' },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
    indices: [{ name: 'idx_webhook_deliveries_endpoint', columns: ['endpointId', 'id'] }],
  });

  const WebhookAttempt = new EntitySchema<WebhookAttemptRow>({
    name: 'WebhookAttempt',
    tableName: 'webhook_attempts',
    columns: {
      id,
      deliveryId: { type: 'integer', name: 'delivery_id' },
      attempt: { type: 'integer' },
      attemptedAt: { type: ts, name: 'attempted_at' },
      responseStatus: { type: 'integer', name: 'response_status', nullable: true },
      durationMs: { type: 'integer', name: 'duration_ms' },
      error: { type: 'varchar', length: 500, nullable: true },
    },
    indices: [{ name: 'idx_webhook_attempts_delivery', columns: ['deliveryId', 'attempt'] }],
  });

  return [WebhookEndpoint, WebhookDelivery, WebhookAttempt];
}
