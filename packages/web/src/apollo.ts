import type { ApolloLink } from '@apollo/client/core';
import { ApolloClient, InMemoryCache, type NormalizedCacheObject } from '@apollo/client/core';
import { relayStylePagination } from '@apollo/client/utilities';

export function createCache(options: { resultCaching?: boolean } = {}): InMemoryCache {
  return new InMemoryCache({
    resultCaching: options.resultCaching ?? true,
    typePolicies: {
      Query: {
        fields: {
          // "Older posts" appends pages; each tag filter is its own list.
          posts: relayStylePagination(['tag']),
        },
      },
      Post: {
        fields: {
          // Each thread page the address can ask for (?comments=<cursor>) is
          // its own list, so following "← First comments" in the app shows
          // the first page, not the later one read before. "Newer comments"
          // appends the next page to the list shown (usePostPage); the list
          // then holds its merged edges.
          comments: { keyArgs: ['first', 'after'], merge: (_existing, incoming) => incoming },
        },
      },
      // One site per API: merge what different queries ask for about it.
      Site: { merge: true },
      ShareTarget: { keyFields: ['key'] },
    },
  });
}

export interface ApolloClientOptions {
  /** How operations reach the API: over HTTP (browserLink()). */
  link: ApolloLink;
  /** The cache the server rendered the page with, restored before hydration. */
  state?: NormalizedCacheObject;
}

/**
 * The browser's one client; server state lives in its cache only. (The
 * server renders without a client: see src/ssr/server-query.ts.)
 */
export function createApolloClient(
  options: ApolloClientOptions,
): ApolloClient<NormalizedCacheObject> {
  const cache = createCache();
  if (options.state) cache.restore(options.state);
  return new ApolloClient({
    link: options.link,
    cache,
  });
}
