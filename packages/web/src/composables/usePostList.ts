import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { PostListDocument } from '../generated/graphql';
import { useLoadMore } from './useLoadMore';
import { usePageQuery } from './usePageQuery';

export const POSTS_PER_PAGE = 10;

/** Published posts, optionally filtered by tag; loadMore appends the next page. */
export function usePostList(
  tag: MaybeRefOrGetter<string | undefined>,
  after: MaybeRefOrGetter<string | null> = null,
) {
  const { result, loading, error, refetch, fetchMore } = usePageQuery(
    PostListDocument,
    () => ({ first: POSTS_PER_PAGE, tag: toValue(tag) ?? null, after: toValue(after) }),
    { notifyOnNetworkStatusChange: true },
  );
  const posts = computed(() => result.value?.posts.edges.map((edge) => edge.node) ?? []);
  const pageInfo = computed(() => result.value?.posts.pageInfo);
  const siteTitle = computed(() => result.value?.site.title);
  const loaded = computed(() => result.value !== undefined);

  const {
    loadMore,
    loading: loadingMore,
    failed: loadMoreFailed,
  } = useLoadMore(
    () => pageInfo.value?.endCursor,
    // The cache's relay-style field policy appends the new edges.
    (after) => fetchMore({ variables: { after } }),
  );

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
