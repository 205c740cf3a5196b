import type { ApolloCache } from '@apollo/client/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { addApprovedComment } from '../components/comments/comment-cache';
import {
  CommentAddedDocument,
  LiveCommentFragmentDoc,
  type LiveCommentFragment,
} from '../generated/live';

export type { LiveCommentFragment };

/**
 * Follows the post's newly approved comments over WebSocket (graphql-ws, on
 * the API's /graphql). This module, the WebSocket client and the live
 * documents (generated/live.ts) are loaded with a dynamic import once the
 * thread is hydrated and the browser is idle: the page's first load carries
 * none of them (test/bundle-budget.test.ts). Returns a function that stops.
 * A lost connection is retried by graphql-ws, with its back-off.
 */
export function followComments(
  cache: ApolloCache<unknown>,
  postId: string,
  onComment: (comment: LiveCommentFragment) => void,
): () => void {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({ url: `${scheme}//${location.host}/graphql`, retryAttempts: 10 });
  // With the cache's __typename fields, so what arrives normalizes as a query's answer does.
  const query = print(cache.transformDocument(CommentAddedDocument));
  const stop = client.subscribe<{ commentAdded: LiveCommentFragment }>(
    { query, variables: { postId } },
    {
      next: ({ data }) => {
        if (data?.commentAdded) onComment(data.commentAdded);
      },
      // Live updates are a nicety: without them the page is as it was served.
      error: () => {},
      complete: () => {},
    },
  );
  return () => {
    stop();
    void client.dispose();
  };
}

/** Writes comments that arrived into the thread in the cache, oldest first (a reply's parent before it). */
export function showComments(
  cache: ApolloCache<unknown>,
  postId: string,
  comments: readonly LiveCommentFragment[],
): void {
  for (const comment of comments) {
    cache.writeFragment({
      fragment: LiveCommentFragmentDoc,
      fragmentName: 'LiveComment',
      data: comment,
    });
    addApprovedComment(cache, postId, comment);
  }
}
