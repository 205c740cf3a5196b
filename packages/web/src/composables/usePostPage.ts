import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useQuery } from '@vue/apollo-composable';
import { PostPageDocument } from '../generated/graphql';
import { toThread } from '../components/comments/thread';

/** The post page query, shaped for the presentational components. */
export function usePostPage(slug: MaybeRefOrGetter<string>) {
  const { result, loading, error, refetch } = useQuery(
    PostPageDocument,
    () => ({ slug: toValue(slug) }),
    { notifyOnNetworkStatusChange: true },
  );
  const post = computed(() => result.value?.post ?? null);
  const siteTitle = computed(() => result.value?.site.title);
  const discussion = computed(() => result.value?.discussionSettings ?? null);
  const thread = computed(() => (post.value ? toThread(post.value.comments) : []));
  const linkbacks = computed(() => post.value?.linkbacks.edges.map((edge) => edge.node) ?? []);
  const loaded = computed(() => result.value !== undefined);

  return { post, siteTitle, discussion, thread, linkbacks, loaded, loading, error, refetch };
}
