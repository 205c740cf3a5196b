import { computed, ref, shallowRef, toValue, type MaybeRefOrGetter } from 'vue';
import { useMutation } from '@vue/apollo-composable';
import { addApprovedComment } from '../components/comments/comment-cache';
import {
  withOwnComments,
  type OwnComment,
  type SubmittedComment,
  type ThreadComment,
} from '../components/comments/thread';
import {
  SubmitCommentDocument,
  type DiscussionRulesFragment,
  type UserError,
} from '../generated/graphql';
import {
  COMMENT_STATUS,
  commentErrorMessage,
  isCommentField,
  type CommentField,
} from '../lib/comment-messages';
import { fieldRules, validateCommentFields } from '../lib/comment-validation';
import type { PageState } from '../lib/page-state';

/** What the visitor types, and the honeypot that people leave empty. */
export interface CommentDraft {
  content: string;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  homepage: string;
}

export type FieldErrors = Partial<Record<CommentField, string>>;

export interface CommentComposerOptions {
  postId: MaybeRefOrGetter<string>;
  /** The public thread (approved comments), as the post page query has it. */
  comments: MaybeRefOrGetter<readonly ThreadComment[]>;
  /** The site's discussion settings: required fields and limits. */
  discussion: MaybeRefOrGetter<DiscussionRulesFragment>;
  /**
   * What the server rendered this post's page with: a form it refused (the
   * typed values and the errors) and the visitor's own pending comments. The
   * refused form is taken once, so it does not come back on a later visit.
   */
  pageState?: PageState;
  /** Values already in the server-rendered form's controls when it hydrates. */
  typed?: Partial<CommentDraft>;
}

export const EMPTY_DRAFT: CommentDraft = {
  content: '',
  authorName: '',
  authorEmail: '',
  authorUrl: '',
  homepage: '',
};

function takeInitialState(state: PageState | undefined, postId: string) {
  const form = state?.commentForm?.postId === postId ? state.commentForm : null;
  if (form && state) state.commentForm = null;
  const own = state?.ownComments?.postId === postId ? state.ownComments.comments : [];
  return { form, own };
}

const NETWORK_ERROR: UserError = { field: null, code: 'NETWORK_ERROR', message: '' };

/**
 * The comment flow of one post: the draft, the comment replied to, the
 * client-side checks (from the discussion settings), the submitComment
 * mutation, field and form errors worded by code (lib/comment-messages.ts),
 * and the visitor's own comments that the public thread does not show.
 *
 * An approved comment is written into the Apollo cache, into the post's
 * comments or its parent's replies (comment-cache.ts), so the page's query
 * shows it without a refetch; a pending one lives here, on this page only.
 * One composer serves one post (PostPage keys the section by post).
 */
export function useCommentComposer(options: CommentComposerOptions) {
  const initial = takeInitialState(options.pageState, toValue(options.postId));
  const draft = ref<CommentDraft>({ ...EMPTY_DRAFT, ...initial.form?.draft, ...options.typed });
  const replyTo = shallowRef<ThreadComment | null>(null);
  /** "Notify me of replies": kept beside the draft, which holds the text fields only. */
  const notifyOfReplies = ref(false);
  const submitting = ref(false);
  // Client checks show from the first attempt on, then follow the typing.
  const attempted = ref(false);
  const serverErrors = shallowRef<readonly UserError[]>(initial.form?.errors ?? []);
  const ownComments = shallowRef<readonly OwnComment[]>(initial.own);
  /** For the live region. */
  const status = ref('');
  /** Bumped each time a submission ends with errors, so the form can take focus to the first. */
  const errorRevision = ref(0);

  const rules = computed(() => fieldRules(toValue(options.discussion).commentFields));
  const thread = computed(() => withOwnComments(toValue(options.comments), ownComments.value));
  const clientCodes = computed(() =>
    attempted.value ? validateCommentFields(draft.value, rules.value) : {},
  );

  function message(code: string, field: CommentField | null, serverMessage = ''): string {
    const limit = field ? rules.value[field].maxLength : null;
    const maxLength = limit !== null && Number.isFinite(limit) ? limit : null;
    return commentErrorMessage(code, { field, maxLength, serverMessage });
  }

  const fieldErrors = computed<FieldErrors>(() => {
    const errors: FieldErrors = {};
    for (const error of serverErrors.value) {
      if (isCommentField(error.field) && !errors[error.field])
        errors[error.field] = message(error.code, error.field, error.message);
    }
    // A fresh client check describes the current value better than the server did.
    for (const [field, code] of Object.entries(clientCodes.value) as [CommentField, string][])
      errors[field] = message(code, field);
    return errors;
  });

  // Errors about no field of the form (postId, parentId, none) show above it.
  const formErrors = computed(() =>
    serverErrors.value
      .filter((error) => !isCommentField(error.field))
      .map((error) => message(error.code, null, error.message)),
  );

  function startReply(comment: ThreadComment): void {
    replyTo.value = comment;
    serverErrors.value = [];
    status.value = '';
  }

  function cancelReply(): void {
    replyTo.value = null;
    serverErrors.value = [];
  }

  function refuse(errors: readonly UserError[], text: string): null {
    serverErrors.value = errors;
    status.value = text;
    errorRevision.value += 1;
    return null;
  }
  const fail = () => refuse([NETWORK_ERROR], message(NETWORK_ERROR.code, null));

  const { mutate } = useMutation(SubmitCommentDocument);

  /**
   * Checks and sends the draft; the stored comment, or null when nothing was
   * sent (busy, invalid) or stored (refused, failed) and the errors say why.
   */
  async function submit(): Promise<SubmittedComment | null> {
    if (submitting.value) return null;
    attempted.value = true;
    if (Object.keys(clientCodes.value).length > 0) {
      errorRevision.value += 1;
      return null;
    }
    const postId = toValue(options.postId);
    let inThread = false;
    submitting.value = true;
    status.value = COMMENT_STATUS.sending;
    const { authorName, authorEmail, authorUrl, content, homepage } = draft.value;
    try {
      const response = await mutate(
        {
          input: {
            postId,
            parentId: replyTo.value?.id ?? null,
            authorName: authorName.trim(),
            authorEmail: authorEmail.trim(),
            authorUrl: authorUrl.trim() || null,
            content,
            homepage,
            // Only when ticked: the input stays what it was for everyone else.
            ...(notifyOfReplies.value ? { notifyOfReplies: true } : {}),
          },
        },
        {
          update(cache, { data }) {
            const payload = data?.submitComment;
            if (payload?.status === 'APPROVED' && payload.comment && !payload.errors.length)
              inThread = addApprovedComment(cache, postId, payload.comment);
          },
        },
      );
      const payload = response?.data?.submitComment;
      if (!payload) return fail();
      // Neither a comment nor a reason: say what we can.
      if (payload.errors.length > 0 || !payload.comment)
        return refuse(
          payload.errors.length ? payload.errors : [NETWORK_ERROR],
          COMMENT_STATUS.refused,
        );

      const comment = payload.comment;
      const approved = payload.status === 'APPROVED';
      if (!inThread)
        ownComments.value = [...ownComments.value, { comment, status: payload.status ?? null }];
      serverErrors.value = [];
      attempted.value = false;
      // Who the visitor is stays for their next comment.
      draft.value = { ...draft.value, content: '', homepage: '' };
      notifyOfReplies.value = false;
      replyTo.value = null;
      status.value = approved ? COMMENT_STATUS.published : COMMENT_STATUS.pending;
      return comment;
    } catch {
      return fail();
    } finally {
      submitting.value = false;
    }
  }

  return {
    /** The parent chosen in the form the server refused, if any (its id). */
    initialParentId: initial.form?.parentId ?? null,
    draft,
    notifyOfReplies,
    replyTo,
    rules,
    thread,
    ownComments,
    fieldErrors,
    formErrors,
    errorRevision,
    submitting,
    status,
    startReply,
    cancelReply,
    submit,
  };
}
