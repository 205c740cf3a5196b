import { computed, ref, toValue, type MaybeRefOrGetter } from 'vue';
import type { UserError } from '../generated/graphql';
import {
  COMMENT_FIELDS,
  commentErrorMessage,
  isCommentField,
  type CommentField,
} from '../lib/comment-messages';
import { validateCommentFields, type FieldRules } from '../lib/comment-validation';

export { fieldRules, type FieldRules } from '../lib/comment-validation';
export type { CommentField };

export interface CommentDraft {
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  content: string;
}

/** A draft as the form sends it: with the honeypot, which people leave empty. */
export interface CommentSubmission extends CommentDraft {
  homepage: string;
}

export type FieldErrors = Partial<Record<CommentField, string>>;

/**
 * Error state of the comment form: client checks run on submit and, after the
 * first attempt, as the person types; server errors show at their field, or
 * above the form when they concern no field of it (postId, parentId, none).
 * Every message comes from the catalog by the server's code.
 */
export function useCommentForm(
  draft: MaybeRefOrGetter<CommentDraft>,
  serverErrors: MaybeRefOrGetter<readonly UserError[]>,
  rules: MaybeRefOrGetter<FieldRules>,
) {
  const attempted = ref(false);
  const check = () => validateCommentFields(toValue(draft), toValue(rules));
  const message = (code: string, field: CommentField | null, serverMessage = '') => {
    const maxLength = field ? toValue(rules)[field].maxLength : null;
    return commentErrorMessage(code, {
      field,
      maxLength: maxLength !== null && Number.isFinite(maxLength) ? maxLength : null,
      serverMessage,
    });
  };

  const fieldErrors = computed<FieldErrors>(() => {
    const merged: FieldErrors = {};
    for (const error of toValue(serverErrors)) {
      if (isCommentField(error.field) && !merged[error.field])
        merged[error.field] = message(error.code, error.field, error.message);
    }
    if (!attempted.value) return merged;
    // A fresh client message describes the current value better than the server's.
    for (const [field, code] of Object.entries(check()) as [CommentField, string][])
      merged[field] = message(code, field);
    return merged;
  });

  const formErrors = computed(() =>
    toValue(serverErrors)
      .filter((error) => !isCommentField(error.field))
      .map((error) => message(error.code, null, error.message)),
  );

  const firstInvalidField = computed(() =>
    COMMENT_FIELDS.find((field) => fieldErrors.value[field]),
  );

  /** Marks the form as attempted; true when the draft may be sent. */
  function validate(): boolean {
    attempted.value = true;
    return Object.keys(check()).length === 0;
  }

  function reset(): void {
    attempted.value = false;
  }

  return { fieldErrors, formErrors, firstInvalidField, validate, reset };
}
