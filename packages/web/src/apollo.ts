import type { ApolloLink } from '@apollo/client/core';
import { ApolloClient, InMemoryCache, type NormalizedCacheObject } from '@apollo/client/core';
import { relayStylePagination } from '@apollo/client/utilities';
import type { PageQueryResult } from './ssr/page-data';
import { PAGE_QUERIES } from './ssr/page-queries';

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

interface Connection {
  edges: ReadonlyArray<{ cursor?: string | null }>;
  pageInfo: { endCursor?: string | null };
}

/**
 * A query's result as the cache gives it back once it is written into an
 * empty cache. The server renders with the results themselves
 * (src/ssr/server-query.ts) and must render what the browser's first render
 * will read from its cache. Only `posts`' relayStylePagination changes what
 * one write of one page gives back: its merge gives the last edge the
 * page's endCursor, and its read gives a missing endCursor as the last
 * cursor of an edge, or "" (so an empty list's null reads back as ""). The
 * other policies (Post.comments' merge, Site's merge, ShareTarget's key
 * fields) give back what one query wrote. test/page-queries.test.ts holds
 * the two together.
 */
export function asReadFromCache(data: Record<string, unknown>): Record<string, unknown> {
  const posts = data.posts as Connection | null | undefined;
  if (!posts?.pageInfo) return data;
  const { edges, pageInfo } = posts;
  const last = edges[edges.length - 1];
  if (pageInfo.endCursor) {
    if (!last || !('cursor' in last) || last.cursor === pageInfo.endCursor) return data;
    const lastEdge = { ...last, cursor: pageInfo.endCursor };
    return { ...data, posts: { ...posts, edges: [...edges.slice(0, -1), lastEdge] } };
  }
  let endCursor = '';
  for (const edge of edges) if (edge.cursor) endCursor = edge.cursor;
  return { ...data, posts: { ...posts, pageInfo: { ...pageInfo, endCursor } } };
}

export interface ApolloClientOptions {
  /** How operations reach the API: over HTTP (browserLink()). */
  link: ApolloLink;
  /** The query results the server rendered the page with, written into the cache before hydration. */
  queries?: readonly PageQueryResult[];
}

/**
 * The browser's one client; server state lives in its cache only. (The
 * server renders without a client: see src/ssr/server-query.ts.) Each of the
 * server's results is written with the document as the client transforms it
 * for its own queries, so the first render reads them from the cache.
 */
export function createApolloClient(
  options: ApolloClientOptions,
): ApolloClient<NormalizedCacheObject> {
  const cache = createCache();
  const client = new ApolloClient({
    link: options.link,
    cache,
  });
  for (const { query, variables, data } of options.queries ?? []) {
    const document = PAGE_QUERIES[query];
    if (!document) continue;
    cache.writeQuery({
      query: client.documentTransform.transformDocument(document),
      variables,
      data,
    });
  }
  return client;
}
