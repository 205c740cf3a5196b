import type { Ref } from 'vue';
import {
  CommentQueueDocument,
  ModerateCommentsDocument,
  type CommentQueueQueryVariables,
  type QueueCommentFragment,
} from '../generated/graphql';
import { useOptimisticModeration } from './useOptimisticModeration';

/** Moderation from the comment queue, shown at once (see useOptimisticModeration). */
export function useCommentModeration(variables: Ref<CommentQueueQueryVariables>) {
  return useOptimisticModeration({
    query: CommentQueueDocument,
    variables,
    mutation: ModerateCommentsDocument,
    mutationVariables: (ids, status, queue) => ({ ids, status, withPrivate: queue.withPrivate }),
    optimistic: (comments: QueueCommentFragment[]) => ({
      moderateComments: { __typename: 'ModerateCommentsPayload' as const, comments, errors: [] },
    }),
    answer: (data) => ({
      items: data.moderateComments.comments,
      errors: data.moderateComments.errors,
    }),
    read: (queue) => ({ list: queue.comments, counts: queue.commentCounts }),
    write: (queue, { list, counts }) => ({
      ...queue,
      comments: { ...queue.comments, ...list },
      commentCounts: counts,
    }),
  });
}
