import { useMutation } from '@vue/apollo-composable';
import type { OperationVariables, TypedDocumentNode, Unmasked } from '@apollo/client/core';
import type { Ref } from 'vue';
import type { CommentCounts, CommentStatus, UserError } from '../generated/graphql';

/** What a moderation queue lists (comments, linkbacks): items with a moderation status. */
export interface Moderated {
  id: string;
  status: CommentStatus;
}

type Counts = Pick<CommentCounts, 'pending' | 'approved' | 'spam' | 'trash'>;
type CountKey = keyof Counts;
const countKey = (status: CommentStatus) => status.toLowerCase() as CountKey;

/** The part of a queue's cached answer that moderation moves: its list and its counts. */
export interface QueueState<E> {
  list: { edges: E[]; totalCount: number };
  counts: Counts;
}

export interface OptimisticModerationOptions<
  T extends Moderated,
  E extends { node: T },
  Q,
  QV extends OperationVariables & { status?: CommentStatus | null },
  M,
  MV extends OperationVariables,
> {
  /** The queue's query, and the variables it is shown with now. */
  query: TypedDocumentNode<Q, QV>;
  variables: Ref<QV>;
  /** The bulk mutation (all or nothing: its errors mean nothing changed). */
  mutation: TypedDocumentNode<M, MV>;
  mutationVariables: (ids: string[], status: CommentStatus, queue: QV) => MV;
  /** The answer the API is expected to give, with the items in their new status. */
  optimistic: (items: T[]) => Unmasked<M>;
  /** The items and errors of an answer. */
  answer: (data: Unmasked<M>) => { items: readonly T[]; errors: readonly UserError[] };
  /** The list and the counts of the queue's answer, and that answer with new ones. */
  read: (queue: Unmasked<Q>) => QueueState<E>;
  write: (queue: Unmasked<Q>, state: QueueState<E>) => Unmasked<Q>;
}

/**
 * Moderation from a queue, shown at once: the items take their new status
 * in the cache before the API answers (optimistic), leave the list when it
 * is filtered to another status, and the per-status counts and the list's
 * total move with them. The API's answer replaces the guess (the same
 * update, from the statuses it reports); a refusal rolls it back.
 */
export function useOptimisticModeration<
  T extends Moderated,
  E extends { node: T },
  Q,
  QV extends OperationVariables & { status?: CommentStatus | null },
  M,
  MV extends OperationVariables,
>(options: OptimisticModerationOptions<T, E, Q, QV, M, MV>) {
  const { mutate, loading } = useMutation(options.mutation);
  // One moderation on its way at a time: an optimistic layer keeps the list
  // as it wrote it, so a later answer that came first would be masked by an
  // earlier guess (the item it moved would show again until that one's answer).
  let last: Promise<unknown> = Promise.resolve();

  /** Sets `status` on `items`; resolves to an error message, or null once done. */
  function moderate(items: readonly T[], status: CommentStatus): Promise<string | null> {
    const run = last.then(() => send(items, status));
    last = run;
    return run;
  }

  async function send(items: readonly T[], status: CommentStatus): Promise<string | null> {
    const targets = items.filter((c) => c.status !== status);
    if (targets.length === 0) return null;
    // The statuses before: the cache has the new ones by the time update() runs.
    const before = new Map(targets.map((c) => [c.id, c.status]));
    const queue = { ...options.variables.value };
    try {
      const result = await mutate(options.mutationVariables([...before.keys()], status, queue), {
        optimisticResponse: options.optimistic(targets.map((c) => ({ ...c, status }))),
        update(cache, { data }) {
          const changed = (data ? options.answer(data).items : []).filter(
            (c) => before.has(c.id) && before.get(c.id) !== c.status,
          );
          if (changed.length === 0) return;
          cache.updateQuery({ query: options.query, variables: queue }, (current) => {
            if (!current) return current;
            const { list, counts } = options.read(current);
            const leaving = new Set(
              changed.filter((c) => queue.status && c.status !== queue.status).map((c) => c.id),
            );
            const moved = { ...counts };
            for (const c of changed) {
              moved[countKey(before.get(c.id)!)] -= 1;
              moved[countKey(c.status)] += 1;
            }
            return options.write(current, {
              counts: moved,
              list: {
                ...list,
                edges: list.edges.filter((e) => !leaving.has(e.node.id)),
                totalCount: list.totalCount - leaving.size,
              },
            });
          });
        },
      });
      const errors = result?.data ? options.answer(result.data as Unmasked<M>).errors : [];
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
