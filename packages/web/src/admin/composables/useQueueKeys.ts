import { nextTick, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import type { QueueCommentFragment } from '../generated/graphql';

export interface QueueKey {
  /** What the key does to the current comment (none on an empty page). */
  run: (comment: QueueCommentFragment | undefined) => unknown;
  /** Focus follows the current comment afterwards (a moderated one may have left the list). */
  refocus?: boolean;
}

/**
 * The queue's keyboard: j/k move the current comment (focused, so a screen
 * reader reads it), the other keys act on it. None of them fires while
 * typing, in a form (a reply or an edit) or in a dialog.
 */
export function useQueueKeys(
  comments: Ref<readonly QueueCommentFragment[]>,
  keys: Record<string, QueueKey>,
) {
  const current = ref(0);
  watch(comments, (list) => {
    if (current.value >= list.length) current.value = Math.max(0, list.length - 1);
  });

  async function focusCurrent() {
    await nextTick();
    document
      .querySelector<HTMLElement>(`[data-comment-id="${comments.value[current.value]?.id}"]`)
      ?.focus();
  }
  const move = (by: number) => ({
    run: () => {
      current.value = Math.max(0, Math.min(current.value + by, comments.value.length - 1));
    },
    refocus: true,
  });

  function onKey(event: KeyboardEvent) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable], dialog, form')) return;
    const key: QueueKey | undefined = { j: move(1), k: move(-1), ...keys }[event.key];
    if (!key) return;
    event.preventDefault();
    key.run(comments.value[current.value]);
    if (key.refocus) void focusCurrent();
  }
  onMounted(() => document.addEventListener('keydown', onKey));
  onBeforeUnmount(() => document.removeEventListener('keydown', onKey));

  return { current, focusCurrent };
}
