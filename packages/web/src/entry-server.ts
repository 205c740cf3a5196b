import { ApolloError, ApolloLink, Observable, type FetchResult } from '@apollo/client/core';
import { print } from '@apollo/client/utilities';
import { renderToString } from 'vue/server-renderer';
import { createMemoryHistory } from 'vue-router';
import { createApolloClient } from './apollo';
import { createColloquyApp } from './create-app';
import { PostPageDocument } from './generated/graphql';
import type { PageState } from './lib/page-state';
import { blogPostingJsonLd } from './ssr/json-ld';
import { PAGE_DATA_ID, type PageData } from './ssr/page-data';
import { scriptSafeJson } from './ssr/serialize';
import type { RenderFlags } from './ssr/render-flags';

/** One GraphQL operation, run by the API against its own schema in-process. */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}
export type ExecuteOperation = (operation: Operation) => Promise<FetchResult>;

export interface RenderRequest {
  /** Path and query of the page, e.g. `/posts/hello?replytocom=3`. */
  url: string;
  execute: ExecuteOperation;
  /** What the server knows of this visitor's page (form token, a refused form, own comments). */
  page: PageState;
}

export interface RenderResult {
  /** The app's markup, for inside `<div id="app">`. */
  html: string;
  /** `<script type="application/json">` with the Apollo cache and the page state. */
  data: string;
  /** Extra `<head>` content: JSON-LD on a post page. */
  head: string;
  /** 404 when the page shows "Page not found"; 503 when its data could not be read. */
  status: 200 | 400 | 404 | 503;
}

function inProcessLink(execute: ExecuteOperation): ApolloLink {
  return new ApolloLink(
    (operation) =>
      new Observable<FetchResult>((observer) => {
        execute({
          query: print(operation.query),
          variables: operation.variables,
          operationName: operation.operationName,
        }).then(
          (result) => {
            observer.next(result);
            observer.complete();
          },
          (error: unknown) => observer.error(error),
        );
      }),
  );
}

/** Renders one reader page to HTML with its data, for the API to put into the shell. */
export async function render(request: RenderRequest): Promise<RenderResult> {
  // As the browser will get it: the render takes a refused form out of its copy.
  const pageState = structuredClone(request.page);
  // One client per render: its cache holds this request's data only.
  const client = createApolloClient({
    link: inProcessLink(request.execute),
    ssrMode: true,
    queryDeduplication: false,
  });
  const { app, router } = createColloquyApp({
    client,
    history: createMemoryHistory(),
    page: request.page,
  });
  // A query that fails in a component's serverPrefetch is the page's to show
  // (ErrorState, HTTP 503). Without a handler, Vue's development build (what
  // Node loads unless NODE_ENV=production) rethrows it from a promise no one
  // awaits, and the unhandled rejection ends the server process. Any other
  // error is a bug: the render fails with it.
  const errors: unknown[] = [];
  app.config.errorHandler = (error) => {
    errors.push(error);
  };
  await router.push(request.url);
  await router.isReady();

  const flags: RenderFlags = {};
  const html = await renderToString(app, flags);
  const bug = errors.find((error) => !(error instanceof ApolloError));
  if (bug !== undefined) {
    client.stop();
    throw bug;
  }
  const apollo = client.extract();
  const data: PageData = { apollo, page: pageState };

  let head = '';
  const route = router.currentRoute.value;
  if (route.name === 'post' && !flags.notFound && !flags.failed && !flags.badRequest) {
    const result = client.readQuery({
      query: PostPageDocument,
      variables: {
        slug: String(route.params.slug),
        after: typeof route.query.comments === 'string' ? route.query.comments : null,
      },
    });
    if (result?.post) {
      head = `<script type="application/ld+json">${scriptSafeJson(blogPostingJsonLd(result.post))}</script>`;
    }
  }
  client.stop();

  return {
    html,
    data: `<script id="${PAGE_DATA_ID}" type="application/json">${scriptSafeJson(data)}</script>`,
    head,
    status: flags.badRequest ? 400 : flags.failed ? 503 : flags.notFound ? 404 : 200,
  };
}
