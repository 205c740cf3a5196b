import {
  ApolloClient,
  ApolloLink,
  HttpLink,
  InMemoryCache,
  type NormalizedCacheObject,
} from '@apollo/client/core';
import { onError } from '@apollo/client/link/error';
import type { Session } from './session';

/**
 * The desk's own client. Every operation is a POST with its text (no
 * persisted GETs: what an editor reads depends on who they are, and must
 * never sit in a cache), with the session's bearer token. A 401 (the token
 * expired or was revoked) forgets the session; the router then asks the
 * editor to sign in again.
 */
export function createAdminClient(
  session: Session,
  onSignedOut: () => void,
): ApolloClient<NormalizedCacheObject> {
  const auth = new ApolloLink((operation, forward) => {
    const token = session.state.token;
    if (token) {
      operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, authorization: `Bearer ${token}` },
      }));
    }
    return forward(operation);
  });
  const expired = onError(({ networkError, graphQLErrors }) => {
    const status =
      networkError && 'statusCode' in networkError ? networkError.statusCode : undefined;
    const unauthenticated =
      status === 401 || graphQLErrors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    if (unauthenticated && session.state.token) {
      session.forget();
      onSignedOut();
    }
  });
  return new ApolloClient({
    link: ApolloLink.from([expired, auth, new HttpLink({ uri: '/graphql' })]),
    cache: new InMemoryCache({
      typePolicies: {
        Site: { merge: true },
        ShareTarget: { keyFields: ['key'] },
        EditorShareTarget: { keyFields: ['key'] },
      },
    }),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-and-network', errorPolicy: 'all' },
      query: { fetchPolicy: 'network-only', errorPolicy: 'all' },
      mutate: { errorPolicy: 'none' },
    },
  });
}
