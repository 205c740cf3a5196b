import {
  ApolloError,
  type FetchResult,
  type InMemoryCache,
  type OperationVariables,
  type TypedDocumentNode,
} from '@apollo/client/core';
import {
  getDefaultValues,
  getOperationDefinition,
  getOperationName,
  print,
  removeDirectivesFromDocument,
} from '@apollo/client/utilities';
import type { DocumentNode } from 'graphql';
import { inject, onServerPrefetch, ref, shallowRef, type InjectionKey, type Ref } from 'vue';

/** One GraphQL operation, run by the API against its own schema in-process. */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}
export type ExecuteOperation = (operation: Operation) => Promise<FetchResult>;

/**
 * A server render's queries: run in-process, written into the render's own
 * cache (the page's data for hydration), and read back from it, as the
 * browser's client will read them.
 */
export interface ServerQueries {
  cache: InMemoryCache;
  execute: ExecuteOperation;
  /** What each query of this render read back from the cache, in the order they ran. */
  results: { document: DocumentNode; variables: OperationVariables; data: unknown }[];
}

export const SERVER_QUERIES: InjectionKey<ServerQueries> = Symbol('server-queries');

/** What the render needs of a document: the same for every render, so made once per process. */
interface PreparedDocument {
  /** As the cache writes and reads it (with __typename fields). */
  query: DocumentNode;
  /** As the API gets it: printed once, not per render. */
  text: string;
  operationName: string | undefined;
  defaults: Record<string, unknown>;
}

const prepared = new WeakMap<DocumentNode, PreparedDocument>();

/**
 * The document as Apollo Client would send it (the cache's transform, then
 * client-only directives taken out) and as its cache would store it.
 */
function prepare(document: DocumentNode, cache: InMemoryCache): PreparedDocument {
  let entry = prepared.get(document);
  if (!entry) {
    const query = cache.transformDocument(document);
    const serverQuery = removeDirectivesFromDocument(
      [
        { name: 'client', remove: true },
        { name: 'connection' },
        { name: 'nonreactive' },
        { name: 'unmask' },
      ],
      query,
    );
    if (!serverQuery) throw new Error('A page query must ask the API for something');
    entry = {
      query,
      text: print(serverQuery),
      operationName: getOperationName(serverQuery) ?? undefined,
      defaults: getDefaultValues(getOperationDefinition(query)),
    };
    prepared.set(document, entry);
  }
  return entry;
}

/** What a page's query gives its component while the server renders it. */
export interface ServerQueryState<TResult> {
  result: Ref<TResult | undefined>;
  loading: Ref<boolean>;
  error: Ref<ApolloError | null>;
}

/**
 * A query in a component rendered on the server: what Apollo Client's
 * network-only fetch of it would do (apollo-composable's useQuery on the
 * server), without its watch and observable machinery, which one render
 * never uses. Run before the component renders (serverPrefetch); a result
 * with errors is not written (errorPolicy "none") and becomes `error`, as a
 * failure to run it does.
 */
export function useServerQuery<TResult, TVariables extends OperationVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: () => TVariables,
): ServerQueryState<TResult> {
  const server = inject(SERVER_QUERIES);
  if (!server) throw new Error('useServerQuery: the server render provides no SERVER_QUERIES');
  const result = shallowRef<TResult>();
  const loading = ref(false);
  const error = shallowRef<ApolloError | null>(null);

  onServerPrefetch(async () => {
    const { query, text, operationName, defaults } = prepare(document, server.cache);
    const vars: OperationVariables = { ...defaults, ...variables?.() };
    let response: FetchResult;
    try {
      response = await server.execute({ query: text, variables: vars, operationName });
    } catch (networkError) {
      error.value =
        networkError instanceof ApolloError
          ? networkError
          : new ApolloError({ networkError: networkError as Error });
      return;
    }
    if (response.errors?.length) {
      error.value = new ApolloError({ graphQLErrors: response.errors });
      return;
    }
    server.cache.writeQuery({ query, variables: vars, data: response.data });
    const diff = server.cache.diff<TResult>({
      query,
      variables: vars,
      returnPartialData: true,
      optimistic: true,
    });
    const data = diff.complete ? diff.result : (response.data as TResult);
    result.value = data ?? undefined;
    server.results.push({ document, variables: vars, data });
  });

  return { result, loading, error };
}

/** The data a query of this render read, or undefined when it did not run or failed. */
export function serverQueryResult<TResult, TVariables extends OperationVariables>(
  server: ServerQueries,
  document: TypedDocumentNode<TResult, TVariables>,
): TResult | undefined {
  return server.results.find((entry) => entry.document === document)?.data as TResult | undefined;
}
