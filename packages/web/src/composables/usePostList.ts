import { computed, ref, toValue, type MaybeRefOrGetter } from 'vue';
import { useQuery } from '@vue/apollo-composable';
import { PostListDocument } from '../generated/graphql';

export const POSTS_PER_PAGE = 10;

/** Published posts, optionally filtered by tag; loadMore appends the next page. */
export function usePostList(
  tag: MaybeRefOrGetter<string | undefined>,
  after: MaybeRefOrGetter<string | null> = null,
) {
  const { result, loading, error, refetch, fetchMore } = useQuery(
    PostListDocument,
    () => ({ first: POSTS_PER_PAGE, tag: toValue(tag) ?? null, after: toValue(after) }),
    { notifyOnNetworkStatusChange: true },
  );
  const loadingMore = ref(false);
  const loadMoreFailed = ref(false);

  const posts = computed(() => result.value?.posts.edges.map((edge) => edge.node) ?? []);
  const pageInfo = computed(() => result.value?.posts.pageInfo);
  const siteTitle = computed(() => result.value?.site.title);
  const loaded = computed(() => result.value !== undefined);

  async function loadMore(): Promise<void> {
    const after = pageInfo.value?.endCursor;
    if (!after || loadingMore.value) return;
    loadingMore.value = true;
    loadMoreFailed.value = false;
    try {
      // The cache's relay-style field policy appends the new edges.
      await fetchMore({ variables: { after } });
    } catch {
      loadMoreFailed.value = true;
    } finally {
      loadingMore.value = false;
    }
  }

  return {
    posts,
    pageInfo,
    siteTitle,
    loaded,
    loading,
    error,
    refetch,
    loadMore,
    loadingMore,
    loadMoreFailed,
  };
}
