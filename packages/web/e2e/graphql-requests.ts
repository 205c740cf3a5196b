import type { Page, Request } from 'playwright-core';
import { expect } from 'vitest';

// What a page sends to /graphql, read back in the shape the API reads it:
// the reader app's queries are GETs with a persisted query's hash in the
// URL (src/browser-link.ts), its mutations and a query's first sending POSTs.

/** One request to /graphql as the API reads it, whether a GET (the URL's parameters) or a POST (the body). */
export interface GraphQLCall {
  method: string;
  operationName: string | undefined;
  after: string | null | undefined;
  hash: string | undefined;
  /** The query text, when the request carried it. */
  query: string | undefined;
  contentType: string | undefined;
  status: number | undefined;
  answer: unknown;
}

export async function graphqlCall(request: Request): Promise<GraphQLCall> {
  interface Params {
    operationName?: string;
    query?: string;
    variables?: { after?: string | null };
    extensions?: { persistedQuery?: { version: number; sha256Hash: string } };
  }
  let params: Params;
  if (request.method() === 'GET') {
    const search = new URL(request.url()).searchParams;
    const json = (name: string) => {
      const value = search.get(name);
      return value === null ? undefined : (JSON.parse(value) as unknown);
    };
    params = {
      operationName: search.get('operationName') ?? undefined,
      query: search.get('query') ?? undefined,
      variables: json('variables') as Params['variables'],
      extensions: json('extensions') as Params['extensions'],
    };
  } else {
    params = request.postDataJSON() as Params;
  }
  const persisted = params.extensions?.persistedQuery;
  if (persisted) expect(persisted.version).toBe(1);
  const response = await request.response();
  return {
    method: request.method(),
    operationName: params.operationName,
    after: params.variables?.after,
    hash: persisted?.sha256Hash,
    query: params.query,
    contentType: (await request.allHeaders())['content-type'],
    status: response?.status(),
    answer: await response?.json(),
  };
}

/** The /graphql requests the page sends from now on. */
export function recordGraphQL(page: Page): Request[] {
  const requests: Request[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql') requests.push(request);
  });
  return requests;
}

/** The answer the link reads as "send the query's text". */
export const PERSISTED_QUERY_NOT_FOUND = {
  errors: [
    { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
  ],
};
