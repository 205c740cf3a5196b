import { ref, toValue, type MaybeRefOrGetter } from 'vue';

/**
 * "Load the next page" for a list: runs `fetchPage` with the current end
 * cursor, at most one at a time, and says whether it is loading or failed.
 * Nothing happens without a cursor.
 */
export function useLoadMore(
  cursor: MaybeRefOrGetter<string | null | undefined>,
  fetchPage: (after: string) => Promise<unknown> | undefined,
) {
  const loading = ref(false);
  const failed = ref(false);

  async function loadMore(): Promise<void> {
    const after = toValue(cursor);
    if (!after || loading.value) return;
    loading.value = true;
    failed.value = false;
    try {
      await fetchPage(after);
    } catch {
      failed.value = true;
    } finally {
      loading.value = false;
    }
  }

  return { loadMore, loading, failed };
}
