import type { EntityManager } from 'typeorm';
import type { DomainEvent, DomainEventType } from '../../db/domain-events.js';
import type { CommentRow } from '../comments/entities.js';
import type { LinkbackRow } from '../linkbacks/entities.js';
import type { PostRow } from '../posts/entities.js';

/** The version of the payload format (docs/webhooks.md); raised when a field changes meaning or goes. */
export const PAYLOAD_VERSION = 1;

/** What the payloads of one event need from outside: the public URL of a post. */
export interface PayloadContext {
  postUrl(post: Pick<PostRow, 'slug'>): string;
}

export interface PostData {
  id: string;
  slug: string;
  title: string;
  url: string;
  publishedAt: string | null;
}

export interface CommentData {
  id: string;
  postId: string;
  parentId: string | null;
  authorName: string;
  authorUrl: string | null;
  /** Sanitized HTML, as readers see it. */
  content: string;
  contentText: string;
  status: string;
  createdAt: string;
  url: string;
  /** Only for endpoints with includePrivateData. */
  authorEmail?: string;
  ip?: string | null;
  userAgent?: string | null;
}

export interface LinkbackData {
  id: string;
  postId: string;
  kind: string;
  sourceUrl: string;
  title: string | null;
  excerpt: string | null;
  status: string;
  createdAt: string;
}

export interface WebhookPayload {
  type: DomainEventType;
  version: typeof PAYLOAD_VERSION;
  timestamp: string;
  data: {
    post: PostData | { id: string };
    comment?: CommentData;
    linkback?: LinkbackData;
    from?: string;
    to?: string;
  };
}

/** The bodies of one event: for endpoints without, and with, the private data. */
export interface EventBodies {
  public: string;
  private: string;
}

/**
 * Builds an event's payload inside the unit of work that caused it (`em`
 * sees its uncommitted rows), so it tells the state the event belongs to.
 */
export async function buildBodies(
  em: EntityManager,
  event: DomainEvent,
  context: PayloadContext,
  now = new Date(),
): Promise<EventBodies> {
  const post = await em.getRepository<PostRow>('Post').findOneBy({ id: event.postId });
  const postData: PostData | { id: string } = post
    ? {
        id: String(post.id),
        slug: post.slug,
        title: post.title,
        url: context.postUrl(post),
        publishedAt: post.publishedAt?.toISOString() ?? null,
      }
    : { id: String(event.postId) };
  const envelope = (data: WebhookPayload['data']): WebhookPayload => ({
    type: event.type,
    version: PAYLOAD_VERSION,
    timestamp: now.toISOString(),
    data,
  });
  const moved = 'from' in event ? { from: event.from, to: event.to } : {};

  if ('commentId' in event) {
    const comment = await em
      .getRepository<CommentRow>('Comment')
      .findOneBy({ id: event.commentId });
    if (!comment) {
      const body = JSON.stringify(envelope({ post: postData, ...moved }));
      return { public: body, private: body };
    }
    const base = commentData(comment, post ? context.postUrl(post) : null);
    const secret = {
      authorEmail: comment.authorEmail,
      ip: comment.ip,
      userAgent: comment.userAgent,
    };
    return {
      public: JSON.stringify(envelope({ post: postData, comment: base, ...moved })),
      private: JSON.stringify(
        envelope({ post: postData, comment: { ...base, ...secret }, ...moved }),
      ),
    };
  }
  if ('linkbackId' in event) {
    const linkback = await em
      .getRepository<LinkbackRow>('Linkback')
      .findOneBy({ id: event.linkbackId });
    // A linkback has no private data of ours: both bodies are the same.
    const body = JSON.stringify(
      envelope({
        post: postData,
        ...(linkback ? { linkback: linkbackData(linkback) } : {}),
        ...moved,
      }),
    );
    return { public: body, private: body };
  }
  const body = JSON.stringify(envelope({ post: postData }));
  return { public: body, private: body };
}

function commentData(comment: CommentRow, postUrl: string | null): CommentData {
  return {
    id: String(comment.id),
    postId: String(comment.postId),
    parentId: comment.parentId === null ? null : String(comment.parentId),
    authorName: comment.authorName,
    authorUrl: comment.authorUrl,
    content: comment.contentHtml,
    contentText: comment.contentText,
    status: comment.status,
    createdAt: comment.createdAt.toISOString(),
    url: `${postUrl ?? ''}#comment-${comment.id}`,
  };
}

function linkbackData(linkback: LinkbackRow): LinkbackData {
  return {
    id: String(linkback.id),
    postId: String(linkback.postId),
    kind: linkback.kind,
    sourceUrl: linkback.sourceUrl,
    title: linkback.title,
    excerpt: linkback.excerpt,
    status: linkback.status,
    createdAt: linkback.createdAt.toISOString(),
  };
}
