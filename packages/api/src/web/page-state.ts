import type { UserError } from '../lib/user-errors.js';
import type { CommentNode } from '../modules/comments/thread.js';
import { publicAuthorUrl } from '../modules/comments/validation.js';

// Mirrors packages/web/src/lib/page-state.ts: what the server knows about
// this visitor's page beyond the public data, serialized into it for hydration.

export interface CommentDraft {
  content: string;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  homepage: string;
}

/** A comment as the SubmitComment mutation returns it to its author (CommentFields, parent, replies). */
export interface OwnCommentView {
  __typename: 'Comment';
  id: string;
  depth: number;
  authorName: string;
  authorUrl: string | null;
  content: string;
  createdAt: string;
  parent: { __typename: 'Comment'; id: string } | null;
  replies: { __typename: 'CommentConnection'; edges: [] };
}

export interface PageState {
  formToken: string | null;
  commentForm: {
    postId: string;
    draft: CommentDraft;
    parentId: string | null;
    errors: UserError[];
  } | null;
  ownComments: {
    postId: string;
    comments: { comment: OwnCommentView; status: 'PENDING' }[];
  } | null;
}

export const EMPTY_PAGE_STATE: PageState = {
  formToken: null,
  commentForm: null,
  ownComments: null,
};

/** The visitor's own comment awaiting moderation, shaped as the Comment type serializes it. */
export function ownCommentView(comment: CommentNode): OwnCommentView {
  return {
    __typename: 'Comment',
    id: String(comment.id),
    depth: comment.depth,
    authorName: comment.authorName,
    authorUrl: publicAuthorUrl(comment.authorUrl),
    content: comment.contentHtml,
    createdAt: comment.createdAt.toISOString(),
    parent:
      comment.parentId === null ? null : { __typename: 'Comment', id: String(comment.parentId) },
    replies: { __typename: 'CommentConnection', edges: [] },
  };
}
