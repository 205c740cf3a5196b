import { markRaw } from 'vue';
import { useQuery, type UseQueryOptions, type UseQueryReturn } from '@vue/apollo-composable';
import type { OperationVariables, TypedDocumentNode } from '@apollo/client/core';
import { useServerQuery } from '../ssr/server-query';

/** What the app's components use of a query. */
export type PageQuery<TResult, TVariables extends OperationVariables> = Pick<
  UseQueryReturn<TResult, TVariables>,
  'result' | 'loading' | 'error' | 'refetch' | 'fetchMore'
>;

/**
 * A query of the reader app: apollo-composable's useQuery in the browser
 * (reading the results the server rendered with from the cache, then live);
 * on the server, one in-process run whose result the component gets as the
 * browser's cache will read it (src/ssr/server-query.ts), for less work. Refetching and fetching more
 * happen in the browser only.
 */
export function usePageQuery<TResult, TVariables extends OperationVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: () => TVariables,
  options: UseQueryOptions<TResult, TVariables> = {},
): PageQuery<TResult, TVariables> {
  if (import.meta.env.SSR) {
    return { ...useServerQuery(document, variables), refetch: noop, fetchMore: noop };
  }
  // Raw: useQuery keeps its document in a ref, which would otherwise make the
  // whole syntax tree a reactive proxy that every transform, print and cache
  // read and write of the query walks through.
  return useQuery(markRaw(document), variables ?? (() => ({}) as TVariables), options);
}

const noop = () => undefined;
