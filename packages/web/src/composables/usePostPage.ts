import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { PostPageDocument } from '../generated/graphql';
import { toThread } from '../components/comments/thread';
import { useLoadMore } from './useLoadMore';
import { usePageQuery } from './usePageQuery';

/**
 * The post page query, shaped for the presentational components. `after` is
 * the thread page the address asks for (?comments=<cursor>); loadMoreComments
 * appends the next page in place.
 */
export function usePostPage(
  slug: MaybeRefOrGetter<string>,
  after: MaybeRefOrGetter<string | null> = null,
) {
  const { result, loading, error, refetch, fetchMore } = usePageQuery(
    PostPageDocument,
    () => ({ slug: toValue(slug), after: toValue(after) }),
    { notifyOnNetworkStatusChange: true },
  );
  const post = computed(() => result.value?.post ?? null);
  const siteTitle = computed(() => result.value?.site.title);
  const replyNotifications = computed(() => result.value?.site.replyNotifications ?? false);
  const discussion = computed(() => result.value?.discussionSettings ?? null);
  const thread = computed(() => (post.value ? toThread(post.value.comments) : []));
  const commentsPage = computed(() => post.value?.comments.pageInfo ?? null);
  const linkbacks = computed(() => post.value?.linkbacks.edges.map((edge) => edge.node) ?? []);
  const loaded = computed(() => result.value !== undefined);

  const {
    loadMore: loadMoreComments,
    loading: loadingMoreComments,
    failed: loadMoreCommentsFailed,
  } = useLoadMore(
    () => commentsPage.value?.endCursor,
    // The next page is cached on its own (Post.comments is keyed by its
    // arguments, src/apollo.ts); the page shown gets its edges appended.
    (cursor) =>
      fetchMore({
        variables: { after: cursor },
        updateQuery: (shown, { fetchMoreResult: next }) =>
          shown.post && next.post
            ? {
                ...shown,
                post: {
                  ...shown.post,
                  comments: {
                    ...next.post.comments,
                    edges: [...shown.post.comments.edges, ...next.post.comments.edges],
                  },
                },
              }
            : shown,
      }),
  );

  return {
    post,
    siteTitle,
    replyNotifications,
    discussion,
    thread,
    commentsPage,
    linkbacks,
    loaded,
    loading,
    error,
    refetch,
    loadMoreComments,
    loadingMoreComments,
    loadMoreCommentsFailed,
  };
}
