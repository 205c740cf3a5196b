import {
  ApolloError,
  type FetchResult,
  type OperationVariables,
  type TypedDocumentNode,
} from '@apollo/client/core';
import {
  addTypenameToDocument,
  getDefaultValues,
  getOperationDefinition,
  getOperationName,
  print,
  removeDirectivesFromDocument,
} from '@apollo/client/utilities';
import type { DocumentNode } from 'graphql';
import { inject, onServerPrefetch, ref, shallowRef, type InjectionKey, type Ref } from 'vue';
import { asReadFromCache } from '../apollo';
import type { PageQueryResult } from './page-data';
import { PAGE_QUERIES } from './page-queries';

/** One GraphQL operation, run by the API against its own schema in-process. */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}
export type ExecuteOperation = (operation: Operation) => Promise<FetchResult>;

/** A query this render ran: its result as the API gave it, for the page's data. */
export interface ServerQueryResult extends PageQueryResult {
  document: DocumentNode;
  /** What its component got: the result as the browser's cache will read it back. */
  read: unknown;
}

/**
 * A server render's queries: run in-process, and kept as the API answered
 * them (the page's data for hydration). There is no cache on the server.
 */
export interface ServerQueries {
  execute: ExecuteOperation;
  /** Each query of this render that succeeded, in the order they ran. */
  results: ServerQueryResult[];
}

export const SERVER_QUERIES: InjectionKey<ServerQueries> = Symbol('server-queries');

/** What the render needs of a document: the same for every render, so made once per process. */
interface PreparedDocument {
  /** As the API gets it: printed once, not per render. */
  text: string;
  operationName: string;
  defaults: Record<string, unknown>;
}

const prepared = new WeakMap<DocumentNode, PreparedDocument>();

/**
 * The document as Apollo Client sends it: its cache's transform (which adds
 * `__typename` fields), then client-only directives taken out.
 */
function prepare(document: DocumentNode): PreparedDocument {
  let entry = prepared.get(document);
  if (!entry) {
    const query = addTypenameToDocument(document);
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
    const operationName = getOperationName(serverQuery);
    // The browser finds the document by this name to write the result into its cache.
    if (!operationName || PAGE_QUERIES[operationName] !== document) {
      throw new Error(`Page query ${operationName ?? '(unnamed)'} is not in PAGE_QUERIES`);
    }
    entry = {
      text: print(serverQuery),
      operationName,
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
 * network-only fetch of it would give (apollo-composable's useQuery on the
 * server), without its cache, watch and observable machinery, which one
 * render never needs. Run before the component renders (serverPrefetch); the
 * component gets the data as the browser's cache will read it back
 * (asReadFromCache). A result with errors is not kept (errorPolicy "none")
 * and becomes `error`, as a failure to run it does.
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
    const { text, operationName, defaults } = prepare(document);
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
    const data = response.data;
    if (!data) return;
    const read = asReadFromCache(data);
    result.value = read as TResult;
    server.results.push({ document, query: operationName, variables: vars, data, read });
  });

  return { result, loading, error };
}

/** The data a query of this render gave its component, or undefined when it did not run or failed. */
export function serverQueryResult<TResult, TVariables extends OperationVariables>(
  server: ServerQueries,
  document: TypedDocumentNode<TResult, TVariables>,
): TResult | undefined {
  return server.results.find((entry) => entry.document === document)?.read as TResult | undefined;
}
