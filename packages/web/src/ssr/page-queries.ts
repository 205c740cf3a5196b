import type { DocumentNode } from 'graphql';
import { PostListDocument, PostPageDocument, SiteDocument } from '../generated/graphql';

/**
 * The queries a server render may run, by operation name: the name is how
 * the page's data says which query each result answers (src/ssr/page-data.ts),
 * and the browser finds the document here to write the result into its
 * cache. A page query missing here fails the server render that runs it
 * (src/ssr/server-query.ts).
 */
export const PAGE_QUERIES: Readonly<Record<string, DocumentNode>> = {
  PostList: PostListDocument,
  PostPage: PostPageDocument,
  Site: SiteDocument,
};
