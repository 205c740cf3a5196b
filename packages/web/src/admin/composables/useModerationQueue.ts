import { computed, nextTick, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { CommentStatus } from '../generated/graphql';
import type { Moderated } from './useOptimisticModeration';

const isStatus = (v: unknown): v is CommentStatus =>
  v === 'PENDING' || v === 'APPROVED' || v === 'SPAM' || v === 'TRASH';
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/**
 * A queue's filters, from the address: a reload, or a link, shows the same
 * queue. `?status=` is a status or ALL (held ones without it), `?post=` a
 * post's id, `?after=` the page's cursor; `param` reads any other.
 */
export function useQueueFilters(routeName: string) {
  const route = useRoute();
  const router = useRouter();
  const status = computed<CommentStatus | null>(() =>
    route.query.status === 'ALL'
      ? null
      : isStatus(route.query.status)
        ? route.query.status
        : 'PENDING',
  );
  const param = (name: string) => computed(() => text(route.query[name]));

  /** Changes some filters (null removes one) and goes back to the first page. */
  function setQuery(changes: Record<string, string | null>) {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...route.query, after: null, ...changes })) {
      if (typeof v === 'string' && v !== '') query[k] = v;
    }
    void router.push({ name: routeName, query });
  }

  return { status, postId: param('post'), after: param('after'), param, setQuery };
}

const VERBS: Record<CommentStatus, string> = {
  APPROVED: 'Approved',
  SPAM: 'Marked as spam',
  TRASH: 'Moved to the trash',
  PENDING: 'Held for moderation',
};

export interface ModerationQueueOptions<T extends Moderated> {
  /** The items on the page, in order. */
  items: Ref<readonly T[]>;
  /** The queue's filters: the selection is dropped when they change. */
  filters: Ref<unknown>;
  /** Sets a status (optimistically); resolves to an error message, or null. */
  moderate: (items: readonly T[], status: CommentStatus) => Promise<string | null>;
  /** "1 comment", "3 comments": for the announcements. */
  count: (n: number) => string;
  /** The element that shows an item (focusable), where j and k move focus. */
  element: (item: T) => HTMLElement | null;
}

/**
 * What a moderation queue page does besides showing its items: the
 * selection (kept to what is still on the page), moderation with an
 * announcement for screen readers or an alert saying why not, and the
 * keyboard: j/k move between items, a/s/t/r act on the current one, x
 * selects it, ? opens `help` (bind it to the page's ShortcutHelp).
 */
export function useModerationQueue<T extends Moderated>(options: ModerationQueueOptions<T>) {
  const { items } = options;
  const announcement = ref('');
  const failure = ref<string | null>(null);

  const selected = ref(new Set<string>());
  watch(options.filters, () => (selected.value = new Set()));
  // Keep only what is still on the page (moderated items leave it).
  watch(items, (list) => {
    const ids = new Set(list.map((c) => c.id));
    const kept = [...selected.value].filter((id) => ids.has(id));
    if (kept.length !== selected.value.size) selected.value = new Set(kept);
  });
  const selectedItems = computed(() => items.value.filter((c) => selected.value.has(c.id)));
  const allSelected = computed(
    () => items.value.length > 0 && selectedItems.value.length === items.value.length,
  );
  const someSelected = computed(() => selectedItems.value.length > 0 && !allSelected.value);

  function toggle(id: string, on: boolean) {
    const next = new Set(selected.value);
    if (on) next.add(id);
    else next.delete(id);
    selected.value = next;
  }
  function toggleAll(on: boolean) {
    selected.value = new Set(on ? items.value.map((c) => c.id) : []);
  }

  async function apply(list: readonly T[], next: CommentStatus) {
    failure.value = null;
    const n = list.filter((c) => c.status !== next).length;
    if (n === 0) return;
    const refused = await options.moderate(list, next);
    if (refused) failure.value = refused;
    else announcement.value = `${VERBS[next]}: ${options.count(n)}.`;
  }

  const current = ref(0);
  const help = ref<{ open(): void } | null>(null);
  watch(items, (list) => {
    if (current.value >= list.length) current.value = Math.max(0, list.length - 1);
  });
  async function focusCurrent() {
    await nextTick();
    const item = items.value[current.value];
    if (item) options.element(item)?.focus();
  }
  function onKey(event: KeyboardEvent) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable], dialog')) return;
    const item = items.value[current.value];
    const act = (next: CommentStatus) => item && void apply([item], next);
    const keys: Record<string, () => void> = {
      j: () => {
        current.value = Math.min(current.value + 1, items.value.length - 1);
        void focusCurrent();
      },
      k: () => {
        current.value = Math.max(current.value - 1, 0);
        void focusCurrent();
      },
      a: () => act('APPROVED'),
      s: () => act('SPAM'),
      t: () => act('TRASH'),
      r: () => act('PENDING'),
      x: () => item && toggle(item.id, !selected.value.has(item.id)),
      '?': () => help.value?.open(),
    };
    const run = keys[event.key];
    if (!run) return;
    event.preventDefault();
    run();
    if (['a', 's', 't', 'r'].includes(event.key)) void focusCurrent();
  }
  onMounted(() => document.addEventListener('keydown', onKey));
  onBeforeUnmount(() => document.removeEventListener('keydown', onKey));

  return {
    announcement,
    failure,
    selected,
    selectedItems,
    allSelected,
    someSelected,
    toggle,
    toggleAll,
    apply,
    current,
    help,
  };
}
