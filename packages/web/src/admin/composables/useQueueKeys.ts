import { nextTick, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';

export interface QueueKey<T> {
  /** What the key does to the current item (none on an empty page). */
  run: (item: T | undefined) => unknown;
  /** Focus follows the current item afterwards (a moderated one may have left the list). */
  refocus?: boolean;
}

/**
 * A queue's keyboard: j/k move the current item (focused, so a screen
 * reader reads it), the other keys act on it. None of them fires while
 * typing, in a form (a filter, a reply or an edit) or in a dialog.
 */
export function useQueueKeys<T>(
  items: Ref<readonly T[]>,
  keys: Record<string, QueueKey<T>>,
  /** The element that shows an item (focusable), where j and k move focus. */
  element: (item: T) => HTMLElement | null,
) {
  const current = ref(0);
  watch(items, (list) => {
    if (current.value >= list.length) current.value = Math.max(0, list.length - 1);
  });

  async function focusCurrent() {
    await nextTick();
    const item = items.value[current.value];
    if (item) element(item)?.focus();
  }
  const move = (by: number): QueueKey<T> => ({
    run: () => {
      current.value = Math.max(0, Math.min(current.value + by, items.value.length - 1));
    },
    refocus: true,
  });

  function onKey(event: KeyboardEvent) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable], dialog, form')) return;
    const key: QueueKey<T> | undefined = { j: move(1), k: move(-1), ...keys }[event.key];
    if (!key) return;
    event.preventDefault();
    key.run(items.value[current.value]);
    if (key.refocus) void focusCurrent();
  }
  onMounted(() => document.addEventListener('keydown', onKey));
  onBeforeUnmount(() => document.removeEventListener('keydown', onKey));

  return { current, focusCurrent };
}
