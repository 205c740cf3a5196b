import { HttpLink, type ApolloLink } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { sha256Hex } from './lib/sha256';

/**
 * How the browser's client reaches the API: queries as automatic persisted
 * queries over GET (`/graphql?operationName=…&variables=…&extensions=` with
 * the query's SHA-256 and no query text), short requests that a browser or
 * CDN can cache. The query text goes, once, in a POST only when the server
 * answers PERSISTED_QUERY_NOT_FOUND; mutations are POSTs as before. Every
 * request carries `content-type: application/json` (HttpLink's default,
 * GETs included), which is what lets a GET through the API's CSRF
 * prevention. Server rendering runs operations in-process instead
 * (entry-server.ts).
 */
export function browserLink(): ApolloLink {
  return createPersistedQueryLink({ sha256: sha256Hex, useGETForHashedQueries: true }).concat(
    new HttpLink({ uri: '/graphql' }),
  );
}
