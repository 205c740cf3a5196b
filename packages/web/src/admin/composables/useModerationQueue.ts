import { computed, ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { CommentStatus } from '../generated/graphql';
import type { Moderated } from './useOptimisticModeration';
import { useQueueKeys, type QueueKey } from './useQueueKeys';

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

/** What a queue's own keys (besides the shared ones) may do to the current item. */
export interface QueueControls<F extends string> {
  /** Opens one of the item's inline forms (closing any other). */
  openForm: (form: F) => void;
}

/** A key of one queue only, e.g. the comment queue's r (reply). */
export interface ExtraKey<T, F extends string> {
  /** What the shortcut help says it does. */
  does: string;
  run: (item: T, queue: QueueControls<F>) => unknown;
}

export interface ModerationQueueOptions<T extends Moderated, F extends string> {
  /** The items on the page, in order. */
  items: Ref<readonly T[]>;
  /** The queue's filters: the selection and an open form are dropped when they change. */
  filters: Ref<unknown>;
  /** Sets a status (optimistically); resolves to an error message, or null. */
  moderate: (items: readonly T[], status: CommentStatus) => Promise<string | null>;
  /** "1 comment", "3 comments": for the announcements. */
  count: (n: number) => string;
  /** The element that shows an item (focusable), where j and k move focus. */
  element: (item: T) => HTMLElement | null;
  /** The queue's own keys, by key. */
  keys?: Record<string, ExtraKey<T, F>>;
}

/**
 * What a moderation queue page does besides showing its items: the
 * selection (kept to what is still on the page), moderation with an
 * announcement for screen readers or an alert saying why not, an item's
 * inline forms (one open at a time, as WordPress's quick edit: opening
 * another closes the first), and the keyboard: j/k move between items,
 * a/s/t/u (WordPress's unapprove, also restore) act on the current one,
 * x selects it, ? opens `help` (bind it to the page's ShortcutHelp), and
 * the queue's own `keys`.
 */
export function useModerationQueue<T extends Moderated, F extends string = never>(
  options: ModerationQueueOptions<T, F>,
) {
  const { items } = options;
  const announcement = ref('');
  const failure = ref<string | null>(null);

  const selected = ref(new Set<string>());
  const open = ref<{ id: string; form: F } | null>(null);
  watch(options.filters, () => {
    selected.value = new Set();
    open.value = null;
  });
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

  const formOf = (item: T) => (open.value?.id === item.id ? open.value.form : null);
  const openForm = (item: T, form: F) => (open.value = { id: item.id, form });
  const closeForm = () => (open.value = null);

  const help = ref<{ open(): void } | null>(null);
  const act = (next: CommentStatus): QueueKey<T> => ({
    run: (item) => item && apply([item], next),
    refocus: true,
  });
  const own = Object.entries(options.keys ?? {}).map(([key, extra]): [string, QueueKey<T>] => [
    key,
    { run: (item) => item && extra.run(item, { openForm: (form) => openForm(item, form) }) },
  ]);
  const { current, focusCurrent } = useQueueKeys(
    items,
    {
      a: act('APPROVED'),
      s: act('SPAM'),
      t: act('TRASH'),
      u: act('PENDING'),
      ...Object.fromEntries(own),
      x: { run: (item) => item && toggle(item.id, !selected.value.has(item.id)) },
      '?': { run: () => help.value?.open() },
    },
    options.element,
  );

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
    formOf,
    openForm,
    closeForm,
    current,
    focusCurrent,
    help,
  };
}
