import { useMutation } from '@vue/apollo-composable';
import type { Ref } from 'vue';
import {
  CommentQueueDocument,
  ModerateCommentsDocument,
  type CommentQueueQueryVariables,
  type CommentStatus,
  type QueueCommentFragment,
} from '../generated/graphql';

type CountKey = 'pending' | 'approved' | 'spam' | 'trash';
const countKey = (status: CommentStatus) => status.toLowerCase() as CountKey;

/**
 * Moderation from the queue, shown at once: the comments take their new
 * status in the cache before the API answers (optimistic), leave the list
 * when it is filtered to another status, and the per-status counts and the
 * list's total move with them. The API's answer replaces the guess (the
 * same update, from the statuses it reports); a refusal rolls it back.
 */
export function useCommentModeration(variables: Ref<CommentQueueQueryVariables>) {
  const { mutate, loading } = useMutation(ModerateCommentsDocument);

  /** Sets `status` on `comments`; resolves to an error message, or null once done. */
  async function moderate(
    comments: readonly QueueCommentFragment[],
    status: CommentStatus,
  ): Promise<string | null> {
    const targets = comments.filter((c) => c.status !== status);
    if (targets.length === 0) return null;
    // The statuses before: the cache has the new ones by the time update() runs.
    const before = new Map(targets.map((c) => [c.id, c.status]));
    const queue = { ...variables.value };
    try {
      const result = await mutate(
        { ids: [...before.keys()], status, withPrivate: queue.withPrivate },
        {
          optimisticResponse: {
            moderateComments: {
              __typename: 'ModerateCommentsPayload',
              comments: targets.map((c) => ({ ...c, status })),
              errors: [],
            },
          },
          update(cache, { data }) {
            const changed = (data?.moderateComments.comments ?? []).filter(
              (c) => before.has(c.id) && before.get(c.id) !== c.status,
            );
            if (changed.length === 0) return;
            cache.updateQuery({ query: CommentQueueDocument, variables: queue }, (current) => {
              if (!current) return current;
              const leaving = new Set(
                changed.filter((c) => queue.status && c.status !== queue.status).map((c) => c.id),
              );
              const counts = { ...current.commentCounts };
              for (const c of changed) {
                counts[countKey(before.get(c.id)!)] -= 1;
                counts[countKey(c.status)] += 1;
              }
              return {
                ...current,
                commentCounts: counts,
                comments: {
                  ...current.comments,
                  edges: current.comments.edges.filter((e) => !leaving.has(e.node.id)),
                  totalCount: current.comments.totalCount - leaving.size,
                },
              };
            });
          },
        },
      );
      const errors = result?.data?.moderateComments.errors ?? [];
      return errors.length ? errors.map((e) => e.message).join(' ') : null;
    } catch (error) {
      const e = error as { graphQLErrors?: ReadonlyArray<{ message: string }> };
      return e.graphQLErrors?.length
        ? e.graphQLErrors.map((g) => g.message).join(' ')
        : 'Could not reach the server: nothing was changed. Try again.';
    }
  }

  return { moderate, moderating: loading };
}
