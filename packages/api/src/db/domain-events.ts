import type { Database } from './database.js';

type CommentStatus = 'PENDING' | 'APPROVED' | 'SPAM' | 'TRASH';
type LinkbackStatus = CommentStatus;

/**
 * What happened in the conversation, as the modules that follow it
 * (webhooks, notifications, live threads) hear of it. Ids only: a subscriber
 * reads what it needs in the same unit of work, so it sees the state the
 * event belongs to.
 */
export type DomainEvent =
  /** The post became visible to readers: published now, or its scheduled time came. */
  | { type: 'post.published'; postId: number }
  /** A visible post's title, content, excerpt, slug or tags changed. */
  | { type: 'post.updated'; postId: number }
  /** A visible post was taken off the site (unpublished, trashed or scheduled again). */
  | { type: 'post.unpublished'; postId: number }
  /** A comment was stored, held (PENDING, SPAM) or APPROVED at once. */
  | { type: 'comment.created'; commentId: number; postId: number; status: CommentStatus }
  /** A comment moved from one status to another. */
  | {
      type: 'comment.status_changed';
      commentId: number;
      postId: number;
      from: CommentStatus;
      to: CommentStatus;
    }
  /** A comment became visible (approved at once, or approved by a moderator). */
  | { type: 'comment.approved'; commentId: number; postId: number }
  /** A linkback was verified and stored, PENDING or APPROVED. */
  | { type: 'linkback.received'; linkbackId: number; postId: number; status: LinkbackStatus }
  /** A linkback moved from one status to another. */
  | {
      type: 'linkback.status_changed';
      linkbackId: number;
      postId: number;
      from: LinkbackStatus;
      to: LinkbackStatus;
    }
  /** A linkback became visible (auto-approved, or approved by a moderator). */
  | { type: 'linkback.approved'; linkbackId: number; postId: number };

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type EventHandler<T extends DomainEventType> = (event: EventOf<T>) => Promise<void>;

type AnyHandler = (event: DomainEvent) => Promise<void>;

/** A module's subscribers, by event type (ColloquyModule.subscribers). */
export type Subscribers = { [T in DomainEventType]?: EventHandler<T> };

/** Every event type, in the order of the DomainEvent union (for docs and checks). */
export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  'post.published',
  'post.updated',
  'post.unpublished',
  'comment.created',
  'comment.status_changed',
  'comment.approved',
  'linkback.received',
  'linkback.status_changed',
  'linkback.approved',
];

/**
 * The events of the conversation, told to subscribers **inside the unit of
 * work that causes them** (a transactional outbox): a subscriber queues a
 * job or sends a notification with db.notify(), and that is stored with the
 * write or not at all. So nothing is told of a write that rolled back, and
 * nothing acknowledged is forgotten by a crash after its commit.
 *
 * Subscribers run in the order they were added and are awaited; one that
 * throws fails the whole unit of work. They do little (a row, a notify):
 * the work itself belongs in a job.
 */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventType, AnyHandler[]>();

  constructor(private readonly deps: { db: Database }) {}

  /** Adds a module's subscribers; returns a function that removes them. */
  subscribe(subscribers: Subscribers): () => void {
    const added: [DomainEventType, AnyHandler][] = [];
    for (const type of DOMAIN_EVENT_TYPES) {
      // Each handler is called only with events of its own type (emit looks it up by type).
      const handler = subscribers[type] as AnyHandler | undefined;
      if (!handler) continue;
      const list = this.handlers.get(type) ?? [];
      list.push(handler);
      this.handlers.set(type, list);
      added.push([type, handler]);
    }
    return () => {
      for (const [type, handler] of added) {
        const list = this.handlers.get(type);
        if (list) list.splice(list.indexOf(handler), 1);
      }
    };
  }

  /** Tells the subscribers of each event, in order, inside the open unit of work (throws outside one). */
  async emit(...events: DomainEvent[]): Promise<void> {
    if (!this.deps.db.inTransaction)
      throw new Error('domain events are emitted inside a unit of work (db.write)');
    for (const event of events) {
      for (const handler of this.handlers.get(event.type) ?? []) await handler(event);
    }
  }
}
