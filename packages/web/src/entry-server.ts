import type { App } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { createMemoryHistory } from 'vue-router';
import { createColloquyApp } from './create-app';
import { PostPageDocument } from './generated/graphql';
import type { PageState } from './lib/page-state';
import { blogPostingJsonLd } from './ssr/json-ld';
import { PAGE_DATA_ID, type PageData } from './ssr/page-data';
import { scriptSafeJson } from './ssr/serialize';
import type { RenderFlags } from './ssr/render-flags';
import {
  SERVER_QUERIES,
  serverQueryResult,
  type ExecuteOperation,
  type ServerQueries,
} from './ssr/server-query';

export type { ExecuteOperation, Operation } from './ssr/server-query';

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
  /** `<script type="application/json">` with the page's query results and the page state. */
  data: string;
  /** Extra `<head>` content: JSON-LD on a post page. */
  head: string;
  /** 404 when the page shows "Page not found"; 503 when its data could not be read. */
  status: 200 | 400 | 404 | 503;
}

/**
 * Vue keeps each component's normalized props, emits and merged options in
 * caches of its app, so every render, a new app, would work them all out
 * again. They depend on the component alone (and on global mixins, which
 * this app has none of), so this process's renders share one set: component
 * definitions, never a render's data. (Internal fields of Vue's app context:
 * where a version has none of these names, each render keeps its own.)
 */
const componentCaches = {
  optionsCache: new WeakMap<object, unknown>(),
  propsCache: new WeakMap<object, unknown>(),
  emitsCache: new WeakMap<object, unknown>(),
};

function shareComponentCaches(app: App): void {
  const context = app._context as unknown as Record<string, unknown>;
  if (app._context.mixins.length) return;
  for (const [name, cache] of Object.entries(componentCaches)) {
    if (context[name] instanceof WeakMap) context[name] = cache;
  }
}

/** Renders one reader page to HTML with its data, for the API to put into the shell. */
export async function render(request: RenderRequest): Promise<RenderResult> {
  // As the browser will get it: the render takes a refused form out of its copy.
  const pageState = structuredClone(request.page);
  // This render's own results: nothing of one render's data is kept for another.
  const queries: ServerQueries = { execute: request.execute, results: [] };
  const { app, router } = createColloquyApp({
    history: createMemoryHistory(),
    page: request.page,
  });
  app.provide(SERVER_QUERIES, queries);
  shareComponentCaches(app);
  // A query that fails is the page's to show (ErrorState, HTTP 503): its
  // component gets the error, not this handler. An error that reaches here
  // is a bug, and the render fails with it. (Without a handler, Vue's
  // development build would rethrow it from a promise no one awaits, ending
  // the server process.)
  const errors: unknown[] = [];
  app.config.errorHandler = (error) => {
    errors.push(error);
  };
  await router.push(request.url);
  await router.isReady();

  const flags: RenderFlags = {};
  const html = await renderToString(app, flags);
  if (errors.length) throw errors[0];
  const data: PageData = {
    queries: queries.results.map(({ query, variables, data }) => ({ query, variables, data })),
    page: pageState,
  };

  let head = '';
  const route = router.currentRoute.value;
  if (route.name === 'post' && !flags.notFound && !flags.failed && !flags.badRequest) {
    const post = serverQueryResult(queries, PostPageDocument)?.post;
    if (post) {
      head = `<script type="application/ld+json">${scriptSafeJson(blogPostingJsonLd(post))}</script>`;
    }
  }

  return {
    html,
    data: `<script id="${PAGE_DATA_ID}" type="application/json">${scriptSafeJson(data)}</script>`,
    head,
    status: flags.badRequest ? 400 : flags.failed ? 503 : flags.notFound ? 404 : 200,
  };
}
