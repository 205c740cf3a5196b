import type {
  CommentFieldsFragment,
  CommentStatus,
  SubmitCommentMutation,
  UserError,
} from '../../generated/graphql';

/** One comment with its replies, as the thread components render it. */
export interface ThreadComment {
  id: string;
  depth: number;
  authorName: string;
  authorUrl: string | null;
  /** HTML sanitized by the server. */
  content: string;
  createdAt: string;
  /** Written by the post's own author (a reply from the editor's desk). */
  byPostAuthor: boolean;
  /** True for the visitor's own comment that a moderator has not approved yet. */
  awaitingModeration: boolean;
  replies: ThreadComment[];
}

export type SubmitCommentResult = SubmitCommentMutation['submitComment'];
export type SubmittedComment = NonNullable<SubmitCommentResult['comment']>;
export type { UserError };

/**
 * A comment the visitor has just submitted that the public thread does not
 * show: a pending one (only its author sees it, on this page), or an approved
 * one the cache had no list for. Kept until the thread contains it.
 */
export interface OwnComment {
  comment: SubmittedComment;
  status: CommentStatus | null;
}

/** The post page query loads five levels of comments (depths 0 to 4); deeper ones would not show. */
export const LOADED_LEVELS = 5;

/**
 * Whether a comment at this depth can be replied to here: the reply must fit
 * in the site's thread depth (DiscussionSettings.threadDepth) and in the
 * levels the page loads.
 */
export function canReplyAtDepth(depth: number, threadDepth: number): boolean {
  return depth < Math.min(threadDepth, LOADED_LEVELS) - 1;
}

// The generated query type nests five levels; this structural type matches each.
interface CommentNodeLike extends CommentFieldsFragment {
  replies?: CommentConnectionLike;
}
interface CommentConnectionLike {
  edges: ReadonlyArray<{ node: CommentNodeLike }>;
}

function toThreadComment(
  node: CommentFieldsFragment,
  replies: ThreadComment[],
  awaitingModeration = false,
): ThreadComment {
  return {
    id: node.id,
    depth: node.depth,
    authorName: node.authorName,
    authorUrl: node.authorUrl ?? null,
    content: node.content,
    createdAt: node.createdAt,
    byPostAuthor: node.byPostAuthor,
    awaitingModeration,
    replies,
  };
}

/** Flattens the connection/edge nesting of the query into a plain tree. */
export function toThread(connection: CommentConnectionLike): ThreadComment[] {
  return connection.edges.map(({ node }) =>
    toThreadComment(node, node.replies ? toThread(node.replies) : []),
  );
}

/** The comment with this id anywhere in the tree, or null. */
export function findComment(comments: readonly ThreadComment[], id: string): ThreadComment | null {
  for (const comment of comments) {
    if (comment.id === id) return comment;
    const reply = findComment(comment.replies, id);
    if (reply) return reply;
  }
  return null;
}

function collectIds(comments: readonly ThreadComment[], ids: Set<string>): Set<string> {
  for (const comment of comments) {
    ids.add(comment.id);
    collectIds(comment.replies, ids);
  }
  return ids;
}

function appendReply(
  comments: readonly ThreadComment[],
  parentId: string,
  reply: ThreadComment,
): { comments: ThreadComment[]; placed: boolean } {
  let placed = false;
  const next = comments.map((comment) => {
    if (placed) return comment;
    if (comment.id === parentId) {
      placed = true;
      return { ...comment, replies: [...comment.replies, reply] };
    }
    const inner = appendReply(comment.replies, parentId, reply);
    if (!inner.placed) return comment;
    placed = true;
    return { ...comment, replies: inner.comments };
  });
  return { comments: next, placed };
}

/**
 * Shows the visitor's own submissions in place: a reply under its parent, a
 * new comment at the end. Ones the thread already contains (approved since,
 * and loaded again) are skipped so nothing shows twice. Returns a new tree.
 */
export function withOwnComments(
  thread: readonly ThreadComment[],
  own: readonly OwnComment[],
): ThreadComment[] {
  const present = collectIds(thread, new Set());
  let result = [...thread];
  for (const { comment, status } of own) {
    if (present.has(comment.id)) continue;
    // Just written: it has no replies yet.
    const node = toThreadComment(comment, [], status !== 'APPROVED');
    const parentId = comment.parent?.id;
    const appended = parentId
      ? appendReply(result, parentId, node)
      : { comments: result, placed: false };
    result = appended.placed ? appended.comments : [...result, node];
    present.add(comment.id);
  }
  return result;
}
