import type { Modifier } from '@apollo/client/cache';
import { isReference, type ApolloCache, type Reference } from '@apollo/client/core';
import type { AsStoreObject } from '@apollo/client/utilities';
import type { SubmittedComment } from './thread';

// A connection as the normalized cache stores it inside its parent entity.
interface StoredEdge {
  __typename?: string;
  node: Reference;
}
interface StoredConnection {
  __typename?: string;
  edges: readonly StoredEdge[];
  totalCount?: number;
}

/**
 * Puts an approved comment, already normalized from the mutation's answer,
 * at the end of its list: the post's comments or its parent's replies (the
 * thread is oldest first), and counts it in Post.commentCount. Every page of
 * either list (each `first` the cache holds) gets it; one that already has it
 * is left alone. Returns false when the cache holds neither list: nothing on
 * this page shows the thread.
 */
export function addApprovedComment(
  cache: ApolloCache<unknown>,
  postId: string,
  comment: SubmittedComment,
): boolean {
  const commentId = cache.identify({ __typename: 'Comment', id: comment.id });
  if (!commentId) return false;
  const ref: Reference = { __ref: commentId };

  const append: Modifier<Reference | AsStoreObject<StoredConnection>> = (
    existing,
    { readField },
  ) => {
    // Connections have no id, so the cache keeps them inline, never as references.
    if (isReference(existing)) return existing;
    if (existing.edges.some((edge) => readField('id', edge.node) === comment.id)) return existing;
    return {
      ...existing,
      edges: [...existing.edges, { __typename: 'CommentEdge', node: ref }],
      ...(typeof existing.totalCount === 'number' && { totalCount: existing.totalCount + 1 }),
    };
  };

  const parentId = comment.parent?.id;
  const placed = parentId
    ? cache.modify<{ replies: StoredConnection }>({
        id: cache.identify({ __typename: 'Comment', id: parentId }),
        fields: { replies: append },
      })
    : cache.modify<{ comments: StoredConnection }>({
        id: cache.identify({ __typename: 'Post', id: postId }),
        fields: { comments: append },
      });
  if (!placed) return false;

  cache.modify<{ commentCount: number }>({
    id: cache.identify({ __typename: 'Post', id: postId }),
    fields: { commentCount: (count: number) => count + 1 },
  });
  return true;
}
