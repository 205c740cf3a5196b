import type { FastifyRequest } from 'fastify';
import type { SubmitCommentInput } from '../modules/comments/comments.service.js';
import type { CommentDraft } from './page-state.js';

/** The cookie that lets a submitter see their own comments awaiting moderation (signing.ts). */
export const PENDING_COOKIE = 'colloquy_pending';

/**
 * The CSRF defence of the no-JavaScript comment form, which has no session
 * to tie a token to. A browser says where a form post comes from: Chromium,
 * Firefox and Safari send Sec-Fetch-Site, and every current browser sends
 * Origin on a POST. A post another site's page makes is refused with 403,
 * so no page can make its visitors comment here (under their IP address)
 * behind their backs. Clients that send neither header (curl, old browsers)
 * are not browsers acting for someone else; they still need the form token
 * from our own page (signing.ts) and go through the whole comment pipeline.
 */
export function crossSiteRefusal(request: FastifyRequest, publicUrl: string): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `This comment form was sent from another site (Sec-Fetch-Site: ${site}), so it was refused.`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const ours = new Set([new URL(publicUrl).origin, `${request.protocol}://${request.host}`]);
    if (!ours.has(origin)) {
      return 'This comment form was sent from another site (its Origin is not this site), so it was refused.';
    }
  }
  return null;
}

/** A form field's value: the first one when repeated, '' when absent or not text. */
function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

export interface CommentFormPost {
  draft: CommentDraft;
  parentId: string | null;
  formToken: string;
  /** The "Notify me of replies" checkbox (modules/mail): ticked when sent at all. */
  notifyOfReplies: boolean;
}

/** Reads the posted form (application/x-www-form-urlencoded) into the fields the page knows. */
export function readCommentForm(body: unknown): CommentFormPost {
  return {
    draft: {
      content: field(body, 'content'),
      authorName: field(body, 'authorName'),
      authorEmail: field(body, 'authorEmail'),
      authorUrl: field(body, 'authorUrl'),
      homepage: field(body, 'homepage'),
    },
    parentId: field(body, 'parent_id').trim() || null,
    formToken: field(body, 'form_token'),
    notifyOfReplies: field(body, 'notifyOfReplies') !== '',
  };
}

/** The same input the SPA's submitComment mutation sends for this draft. */
export function submissionOf(postId: number, form: CommentFormPost): SubmitCommentInput {
  const { draft } = form;
  return {
    postId: String(postId),
    parentId: form.parentId,
    authorName: draft.authorName.trim(),
    authorEmail: draft.authorEmail.trim(),
    authorUrl: draft.authorUrl.trim() || null,
    content: draft.content,
    homepage: draft.homepage,
    notifyOfReplies: form.notifyOfReplies,
  };
}

/** True when any posted value holds U+0000, which no field may (PostgreSQL cannot store it). */
export function formHoldsNul(form: CommentFormPost): boolean {
  return [...Object.values(form.draft), form.parentId ?? '', form.formToken].some((value) =>
    value.includes('\u0000'),
  );
}
