import { GraphQLError } from 'graphql';
import type { Database } from '../../db/database.js';
import type { Subscribers } from '../../db/domain-events.js';
import { parseId } from '../../lib/ids.js';
import { can, requireViewer, reach } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import type { CommentThreadsService } from '../comments/comment-threads.service.js';
import type { CommentNode } from '../comments/thread.js';
import type { LinkbackRow } from '../linkbacks/entities.js';
import type { LinkbacksService } from '../linkbacks/linkbacks.service.js';
import type { PostsService } from '../posts/posts.service.js';
import { Inbox } from './inbox.js';
import { messages } from './messages.js';

/** The notification channel of live updates: every process hears it on PostgreSQL. */
export const LIVE_CHANNEL = 'colloquy_live';

type Status = 'PENDING' | 'APPROVED' | 'SPAM' | 'TRASH';

/** A change of the moderation queue (ModerationQueueChange). */
export interface QueueChange {
  kind: 'COMMENT' | 'LINKBACK';
  id: number;
  postId: number;
  status: Status;
  previousStatus: Status | null;
}

/** What goes through the channel: ids and statuses only, never content (a NOTIFY payload is public to the database's sessions). */
export type LiveMessage =
  | { t: 'comment'; id: number; postId: number }
  | { t: 'linkback'; id: number; postId: number }
  | ({ t: 'queue' } & QueueChange);

/** A moderator's subscription: its inbox, and whether it may hear of a change on a post by this author. */
interface QueueSink {
  inbox: Inbox<QueueChange>;
  accepts: (change: QueueChange, authorId: number) => boolean;
}

/**
 * Live updates: the subscribers below turn the conversation's events into a
 * notification sent inside their unit of work (so only what commits is
 * told, to every process on PostgreSQL); each process hears the channel and
 * hands what it reads, through the reader's own read path, to its local
 * subscriptions (GraphQL over WebSocket, graphql/websocket.ts).
 */
export class LiveFeed {
  /** Local subscriptions, by post id. */
  private readonly comments = new Map<number, Set<Inbox<CommentNode>>>();
  private readonly linkbackSubs = new Map<number, Set<Inbox<LinkbackRow>>>();
  private readonly queue = new Set<QueueSink>();
  private listening: Promise<() => Promise<void>> | null = null;
  /** Notifications are handled one after another, so subscribers hear them in commit order. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      db: Database;
      posts: PostsService;
      commentThreads: CommentThreadsService;
      linkbacks: LinkbacksService;
      onError: (error: unknown) => void;
    },
  ) {}

  /** The domain events that become live notifications (run inside their unit of work). */
  subscribers(): Subscribers {
    const send = (message: LiveMessage) =>
      this.deps.db.notify(LIVE_CHANNEL, JSON.stringify(message));
    return {
      'comment.approved': (e) => send({ t: 'comment', id: e.commentId, postId: e.postId }),
      'linkback.approved': (e) => send({ t: 'linkback', id: e.linkbackId, postId: e.postId }),
      'comment.created': (e) => send(queue('COMMENT', e.commentId, e.postId, e.status, null)),
      'comment.status_changed': (e) => send(queue('COMMENT', e.commentId, e.postId, e.to, e.from)),
      'linkback.received': (e) => send(queue('LINKBACK', e.linkbackId, e.postId, e.status, null)),
      'linkback.status_changed': (e) =>
        send(queue('LINKBACK', e.linkbackId, e.postId, e.to, e.from)),
    };
  }

  /** Comments approved on a published post from now on; throws BAD_USER_INPUT for an id that is none. */
  async commentsOf(postId: string): Promise<AsyncIterableIterator<CommentNode>> {
    return this.open(this.comments, await this.visiblePost(postId));
  }

  /** Linkbacks approved on a published post from now on. */
  async linkbacksOf(postId: string): Promise<AsyncIterableIterator<LinkbackRow>> {
    return this.open(this.linkbackSubs, await this.visiblePost(postId));
  }

  /** Moderation queue changes of the posts `viewer` may moderate. */
  async moderationQueue(viewer: Viewer | null): Promise<AsyncIterableIterator<QueueChange>> {
    const signedIn = requireViewer({ viewer });
    if (
      reach(signedIn, 'comment:moderate') === 'none' &&
      reach(signedIn, 'linkback:moderate') === 'none'
    )
      throw new GraphQLError(messages.forbidden, { extensions: { code: 'FORBIDDEN' } });
    await this.listen();
    const sink: QueueSink = {
      inbox: new Inbox<QueueChange>(() => this.queue.delete(sink)),
      accepts: (change, authorId) =>
        can(signedIn, change.kind === 'COMMENT' ? 'comment:moderate' : 'linkback:moderate', {
          authorId,
        }),
    };
    this.queue.add(sink);
    return sink.inbox;
  }

  /** Local subscriptions open now (for tests and metrics). */
  get subscriptionCount(): number {
    let n = this.queue.size;
    for (const topics of [this.comments, this.linkbackSubs])
      for (const inboxes of topics.values()) n += inboxes.size;
    return n;
  }

  /** Stops hearing the channel and ends every local subscription. */
  async close(): Promise<void> {
    for (const sink of [...this.queue]) sink.inbox.end();
    for (const topics of [this.comments, this.linkbackSubs])
      for (const inboxes of [...topics.values()]) for (const inbox of [...inboxes]) inbox.end();
    const listening = this.listening;
    this.listening = null;
    if (listening) await (await listening)();
  }

  private async visiblePost(raw: string): Promise<number> {
    const id = parseId(raw);
    if (id === null)
      throw new GraphQLError(messages.badPostId, {
        extensions: { code: 'BAD_USER_INPUT', field: 'postId' },
      });
    if (!(await this.deps.posts.findPublishedForComment(id)))
      throw new GraphQLError(messages.noSuchPost, {
        extensions: { code: 'NOT_FOUND', field: 'postId' },
      });
    return id;
  }

  /** Listens to the channel (once per process) before a subscription is confirmed: nothing committed after it is missed. */
  private async listen(): Promise<void> {
    this.listening ??= this.deps.db.listen(LIVE_CHANNEL, (payload) => {
      this.tail = this.tail.then(() => this.heard(payload)).catch(this.deps.onError);
    });
    await this.listening;
  }

  private async open<T>(
    topics: Map<number, Set<Inbox<T>>>,
    postId: number,
  ): Promise<AsyncIterableIterator<T>> {
    await this.listen();
    const inboxes = topics.get(postId) ?? new Set<Inbox<T>>();
    topics.set(postId, inboxes);
    const inbox: Inbox<T> = new Inbox<T>(() => {
      inboxes.delete(inbox);
      if (inboxes.size === 0 && topics.get(postId) === inboxes) topics.delete(postId);
    });
    inboxes.add(inbox);
    return inbox;
  }

  /** One notification: read what it names once, hand it to every local subscription it concerns. */
  private async heard(payload: string): Promise<void> {
    const message = JSON.parse(payload) as LiveMessage;
    if (message.t === 'queue') {
      if (this.queue.size === 0) return;
      const post = (await this.deps.posts.byIds([message.postId])).get(message.postId);
      if (!post) return;
      const { t: _t, ...change } = message;
      for (const sink of [...this.queue])
        if (sink.accepts(change, post.authorId)) sink.inbox.push(change);
      return;
    }
    const inboxes = (message.t === 'comment' ? this.comments : this.linkbackSubs).get(
      message.postId,
    );
    if (!inboxes?.size) return;
    // Readers see it only while the post is published and the item approved (read now, after the commit).
    if (!(await this.deps.posts.findPublishedForComment(message.postId))) return;
    if (message.t === 'comment') {
      const comment = (await this.deps.commentThreads.approvedByIds([message.id])).get(message.id);
      if (comment)
        for (const inbox of [...(this.comments.get(message.postId) ?? [])]) inbox.push(comment);
    } else {
      const linkback = await this.approvedLinkback(message.id, message.postId);
      if (linkback)
        for (const inbox of [...(this.linkbackSubs.get(message.postId) ?? [])])
          inbox.push(linkback);
    }
  }

  private async approvedLinkback(id: number, postId: number): Promise<LinkbackRow | undefined> {
    const row = await this.deps.linkbacks.findById(id);
    return row && row.status === 'APPROVED' && row.postId === postId ? row : undefined;
  }
}

function queue(
  kind: QueueChange['kind'],
  id: number,
  postId: number,
  status: Status,
  previousStatus: Status | null,
): LiveMessage {
  return { t: 'queue', kind, id, postId, status, previousStatus };
}
