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
  /** How operations reach the API: over HTTP (the browser, browserLink()) or in-process (server rendering). */
  link: ApolloLink;
  /** The cache the server rendered the page with, restored before hydration. */
  state?: NormalizedCacheObject;
  /** On the server: one render, no polling or refetching. */
  ssrMode?: boolean;
  /** Off on the server, where each client serves one render at a time (no point printing queries to deduplicate them). */
  queryDeduplication?: boolean;
}

/** The one client of the app; server state lives in its cache only. */
export function createApolloClient(
  options: ApolloClientOptions,
): ApolloClient<NormalizedCacheObject> {
  // A server render reads each result once: caching results would only cost.
  const cache = createCache({ resultCaching: !options.ssrMode });
  if (options.state) cache.restore(options.state);
  return new ApolloClient({
    link: options.link,
    cache,
    ssrMode: options.ssrMode ?? false,
    queryDeduplication: options.queryDeduplication ?? true,
  });
}
