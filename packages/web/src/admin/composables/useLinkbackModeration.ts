import type { Ref } from 'vue';
import {
  LinkbackQueueDocument,
  ModerateLinkbacksDocument,
  type LinkbackQueueQueryVariables,
  type QueueLinkbackFragment,
} from '../generated/graphql';
import { useOptimisticModeration } from './useOptimisticModeration';

/** Moderation from the linkback queue, shown at once (see useOptimisticModeration). */
export function useLinkbackModeration(variables: Ref<LinkbackQueueQueryVariables>) {
  return useOptimisticModeration({
    query: LinkbackQueueDocument,
    variables,
    mutation: ModerateLinkbacksDocument,
    mutationVariables: (ids, status) => ({ ids, status }),
    optimistic: (linkbacks: QueueLinkbackFragment[]) => ({
      moderateLinkbacks: { __typename: 'ModerateLinkbacksPayload' as const, linkbacks, errors: [] },
    }),
    answer: (data) => ({
      items: data.moderateLinkbacks.linkbacks,
      errors: data.moderateLinkbacks.errors,
    }),
    read: (queue) => ({ list: queue.linkbacks, counts: queue.linkbackCounts }),
    write: (queue, { list, counts }) => ({
      ...queue,
      linkbacks: { ...queue.linkbacks, ...list },
      linkbackCounts: counts,
    }),
  });
}
