import {
  ApolloClient,
  HttpLink,
  InMemoryCache,
  type NormalizedCacheObject,
} from '@apollo/client/core';
import { relayStylePagination } from '@apollo/client/utilities';

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          // "Older posts" appends pages; each tag filter is its own list.
          posts: relayStylePagination(['tag']),
        },
      },
      // One site per API: merge what different queries ask for about it.
      Site: { merge: true },
      ShareTarget: { keyFields: ['key'] },
    },
  });
}

/** The one client of the app; server state lives in its cache only. */
export function createApolloClient(uri = '/graphql'): ApolloClient<NormalizedCacheObject> {
  return new ApolloClient({
    link: new HttpLink({ uri }),
    cache: createCache(),
  });
}
