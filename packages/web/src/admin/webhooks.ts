import type {
  AdminWebhookDeliveryFragment,
  WebhookDeliveryStatus,
  WebhookEvent,
} from './generated/graphql';

/** One event an endpoint can listen to: its enum value, its type in payloads, and what it means. */
export interface WebhookEventInfo {
  event: WebhookEvent;
  type: string;
  meaning: string;
}

/** Every webhook event, grouped as the desk shows them; the meanings are docs/webhooks.md's. */
export const WEBHOOK_EVENT_GROUPS: { name: string; events: WebhookEventInfo[] }[] = [
  {
    name: 'Posts',
    events: [
      {
        event: 'POST_PUBLISHED',
        type: 'post.published',
        meaning: 'A post became visible to readers: published now, or its scheduled time came.',
      },
      {
        event: 'POST_UPDATED',
        type: 'post.updated',
        meaning: 'A visible post’s title, content, excerpt, slug or tags changed.',
      },
      {
        event: 'POST_UNPUBLISHED',
        type: 'post.unpublished',
        meaning: 'A visible post was taken off the site (unpublished, trashed or scheduled again).',
      },
    ],
  },
  {
    name: 'Comments',
    events: [
      {
        event: 'COMMENT_CREATED',
        type: 'comment.created',
        meaning: 'A comment was stored, held for moderation or approved at once.',
      },
      {
        event: 'COMMENT_STATUS_CHANGED',
        type: 'comment.status_changed',
        meaning: 'A comment moved from one status to another (approved, spam, trash, held).',
      },
      {
        event: 'COMMENT_APPROVED',
        type: 'comment.approved',
        meaning: 'A comment became visible: approved at once or by a moderator.',
      },
    ],
  },
  {
    name: 'Linkbacks',
    events: [
      {
        event: 'LINKBACK_RECEIVED',
        type: 'linkback.received',
        meaning: 'A trackback, pingback or webmention was verified and stored.',
      },
      {
        event: 'LINKBACK_STATUS_CHANGED',
        type: 'linkback.status_changed',
        meaning: 'A linkback moved from one status to another.',
      },
      {
        event: 'LINKBACK_APPROVED',
        type: 'linkback.approved',
        meaning: 'A linkback became visible (approved at once, or by a moderator).',
      },
    ],
  },
];

const TYPES = new Map(
  WEBHOOK_EVENT_GROUPS.flatMap((g) => g.events).map((e) => [e.event, e.type] as const),
);

/** `comment.created` for COMMENT_CREATED: the name receivers see in payloads. */
export function eventTypeName(event: WebhookEvent): string {
  return TYPES.get(event) ?? event.toLowerCase();
}

/** What an endpoint's form holds (create and edit alike). */
export interface WebhookEndpointDraft {
  url: string;
  description: string;
  events: WebhookEvent[];
  includePrivateData: boolean;
  enabled: boolean;
}

export const EMPTY_ENDPOINT: WebhookEndpointDraft = {
  url: '',
  description: '',
  events: [],
  includePrivateData: false,
  enabled: true,
};

/** A delivery's status in words; a pending one that was tried already is being retried. */
export function deliveryStatusLabel(status: WebhookDeliveryStatus, attempts = 0): string {
  if (status === 'DELIVERED') return 'delivered';
  if (status === 'FAILED') return 'failed';
  return attempts > 0 ? 'retrying' : 'pending';
}

type Attempt = AdminWebhookDeliveryFragment['attempts'][number];

/** The receiver's answer to one attempt: `HTTP 200`, or why none came (as the API words it). */
export function attemptAnswer(attempt: Pick<Attempt, 'error' | 'responseStatus'>): string {
  if (attempt.error) return attempt.error;
  return attempt.responseStatus == null ? 'No answer' : `HTTP ${attempt.responseStatus}`;
}

/** The answer to the latest attempt. */
export function lastAnswer(delivery: Pick<AdminWebhookDeliveryFragment, 'attempts'>): string {
  const last = delivery.attempts[delivery.attempts.length - 1];
  return last ? attemptAnswer(last) : 'Not tried yet';
}

/** The payload as sent, indented for reading (as it was, when it is not JSON). */
export function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/** The fields of the endpoint form: the API's errors on them are shown there. */
const FORM_FIELDS = new Set(['url', 'description', 'events']);

/** A payload's errors: by form field, and the rest (no field, or `id`) as one message. */
export function fieldErrorsOf(errors: readonly { field?: string | null; message: string }[]): {
  byField: Record<string, string>;
  other: string | null;
} {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const e of errors) {
    if (e.field && FORM_FIELDS.has(e.field))
      byField[e.field] = byField[e.field] ? `${byField[e.field]} ${e.message}` : e.message;
    else other.push(e.message);
  }
  return { byField, other: other.join(' ') || null };
}
