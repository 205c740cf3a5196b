import { ApolloLink, type DocumentNode } from '@apollo/client/core';
import { describe, expect, it } from 'vitest';
import { asReadFromCache, createApolloClient, createCache } from '../src/apollo';
import { PostListDocument, SiteDocument } from '../src/generated/graphql';
import { PAGE_QUERIES } from '../src/ssr/page-queries';
import type { PageQueryResult } from '../src/ssr/page-data';
import { postPageMock } from './apollo';
import { comment, nestedThread } from './helpers';

// The server renders with each query's result as the API gave it (through
// asReadFromCache); the browser writes the same result into its cache and
// reads it back. The two must give the same data, or hydration fails.

const postEdge = (id: string, cursor: string | null) => ({
  __typename: 'PostEdge',
  cursor,
  node: {
    __typename: 'Post',
    id,
    slug: `post-${id}`,
    title: `Post ${id}`,
    excerpt: 'x',
    publishedAt: '2024-01-01T00:00:00.000Z',
    commentCount: 0,
    author: { __typename: 'Author', id: 'a1', name: 'Ann' },
    tags: [{ __typename: 'Tag', id: 't1', name: 'tag', slug: 'tag' }],
  },
});

const postList = (
  edges: ReturnType<typeof postEdge>[],
  pageInfo: { hasNextPage: boolean; endCursor: string | null },
) => ({
  site: { __typename: 'Site', title: 'Colloquy', description: 'About' },
  posts: { __typename: 'PostConnection', edges, pageInfo: { __typename: 'PageInfo', ...pageInfo } },
});

const postPage = (comments = nestedThread()) =>
  postPageMock({ comments }).result as { data: Record<string, unknown> };

const cases: [string, DocumentNode, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'the site',
    SiteDocument,
    {},
    { site: { __typename: 'Site', title: 'Colloquy', description: '' } },
  ],
  ['a post page', PAGE_QUERIES.PostPage!, { slug: 'p1', after: null }, postPage().data],
  [
    'a later thread page',
    PAGE_QUERIES.PostPage!,
    { slug: 'p1', after: 'abc' },
    postPage([comment({ id: 'c9' })]).data,
  ],
  [
    'a post list with more',
    PostListDocument,
    { first: 10, tag: null, after: null },
    postList([postEdge('1', 'c1'), postEdge('2', 'c2')], { hasNextPage: true, endCursor: 'c2' }),
  ],
  [
    'an older page of a tag',
    PostListDocument,
    { first: 10, tag: 'tag', after: 'c2' },
    postList([postEdge('3', 'c3')], { hasNextPage: false, endCursor: 'c3' }),
  ],
  [
    'an empty tag',
    PostListDocument,
    { first: 10, tag: 'none', after: null },
    postList([], { hasNextPage: false, endCursor: null }),
  ],
  [
    'a page whose endCursor differs from its edges',
    PostListDocument,
    { first: 10, tag: null, after: null },
    postList([postEdge('1', 'c1'), postEdge('2', null)], { hasNextPage: false, endCursor: null }),
  ],
];

describe('page query results: the server renders what the browser cache reads', () => {
  it.each(cases)('%s', (_label, document, variables, data) => {
    const cache = createCache();
    const query = cache.transformDocument(document);
    cache.writeQuery({ query, variables, data });
    const diff = cache.diff({ query, variables, returnPartialData: true, optimistic: true });
    expect(diff.complete).toBe(true);
    expect(asReadFromCache(structuredClone(data))).toEqual(diff.result);
  });

  it('writes the results of a page into the browser client before its first read', () => {
    const [, , variables, data] = cases[1]!;
    const queries: PageQueryResult[] = [
      { query: 'Site', variables: {}, data: cases[0]![3] },
      { query: 'PostPage', variables, data },
      { query: 'FromAnotherBuild', variables: {}, data: {} },
    ];
    const client = createApolloClient({ link: ApolloLink.empty(), queries });
    expect(client.readQuery({ query: PAGE_QUERIES.PostPage!, variables })).toEqual(data);
    expect(client.readQuery({ query: SiteDocument })).toEqual(cases[0]![3]);
  });
});
