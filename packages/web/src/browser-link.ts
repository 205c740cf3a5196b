import { ApolloLink, HttpLink, type Operation } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getMainDefinition } from '@apollo/client/utilities';
import { sha256Hex } from './lib/sha256';

const isQuery = ({ query }: Operation) => {
  const definition = getMainDefinition(query);
  return definition.kind === 'OperationDefinition' && definition.operation === 'query';
};

/**
 * How the browser's client reaches the API. Queries go as automatic
 * persisted queries over GET (`/graphql?operationName=…&variables=…&extensions=`
 * with the query's SHA-256 and no query text), short requests that a browser
 * or CDN can cache; the query text goes, once, in a POST only when the
 * server answers PERSISTED_QUERY_NOT_FOUND. Mutations skip that link: a POST
 * with the text, as before (hashing one would only cost a commenter a round
 * trip the first time, and a POST is never cached). Every request carries
 * `content-type: application/json` (HttpLink's default, GETs included),
 * which is what lets a GET through the API's CSRF prevention. Server
 * rendering runs operations in-process instead (entry-server.ts).
 */
export function browserLink(): ApolloLink {
  const http = new HttpLink({ uri: '/graphql' });
  const persisted = createPersistedQueryLink({ sha256: sha256Hex, useGETForHashedQueries: true });
  return ApolloLink.split(isQuery, persisted.concat(http), http);
}
