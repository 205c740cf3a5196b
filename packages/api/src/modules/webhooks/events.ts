import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../../db/domain-events.js';
import type { WebhookEvent } from '../../generated/graphql.js';

/** The GraphQL name of an event type: `comment.status_changed` is COMMENT_STATUS_CHANGED. */
export type WebhookEventName = WebhookEvent;

/** Every event a webhook can carry: each domain event, one to one. */
export const WEBHOOK_EVENT_TYPES: readonly DomainEventType[] = DOMAIN_EVENT_TYPES;

export function eventName(type: DomainEventType): WebhookEventName {
  return type.replace('.', '_').toUpperCase() as WebhookEventName;
}

/** The event type of a GraphQL name; null for a name that is none. */
export function eventType(name: string): DomainEventType | null {
  return WEBHOOK_EVENT_TYPES.find((t) => eventName(t) === name) ?? null;
}

/** The event types an endpoint row lists (its `events` column). */
export function listedEvents(events: string): DomainEventType[] {
  const listed = new Set(events.split(','));
  return WEBHOOK_EVENT_TYPES.filter((t) => listed.has(t));
}
