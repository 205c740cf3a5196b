import { inject, type InjectionKey } from 'vue';
import type { UserError } from '../generated/graphql';
import type { CommentDraft } from '../composables/useCommentComposer';
import type { OwnComment } from '../components/comments/thread';

/**
 * What the server knows about this visitor's page beyond the public data in
 * the Apollo cache, serialized into the page with it so the browser hydrates
 * the same markup the server rendered. Only the page it was rendered for uses
 * it: the composer takes it once, for that post.
 */
export interface PageState {
  /**
   * Signed token the no-JavaScript comment form posts back (part of its CSRF
   * defence); null where the page has no comment form.
   */
  formToken: string | null;
  /** A comment form the server refused (HTTP 422): what was typed and why it was refused. */
  commentForm: {
    postId: string;
    draft: CommentDraft;
    parentId: string | null;
    errors: UserError[];
  } | null;
  /**
   * This visitor's comments still awaiting moderation, from the signed cookie
   * set when they commented without JavaScript (ids only; never the email).
   */
  ownComments: { postId: string; comments: OwnComment[] } | null;
}

export const EMPTY_PAGE_STATE: PageState = {
  formToken: null,
  commentForm: null,
  ownComments: null,
};

export const PAGE_STATE: InjectionKey<PageState> = Symbol('page-state');

export function usePageState(): PageState {
  return inject(PAGE_STATE, EMPTY_PAGE_STATE);
}
