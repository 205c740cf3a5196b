import { createSSRApp } from 'vue';
import type { ApolloClient, NormalizedCacheObject } from '@apollo/client/core';
import { DefaultApolloClient } from '@vue/apollo-composable';
import type { RouterHistory } from 'vue-router';
import App from './App.vue';
import { PAGE_STATE, type PageState } from './lib/page-state';
import { createAppRouter } from './router';

/**
 * The reader app, as both entries build it: the server renders it to HTML
 * (entry-server.ts) and the browser hydrates that HTML (entry-client.ts).
 * One app, one set of components.
 */
export function createColloquyApp(options: {
  /** The browser's client. The server renders without one (src/ssr/server-query.ts). */
  client?: ApolloClient<NormalizedCacheObject>;
  history: RouterHistory;
  page: PageState;
}) {
  const app = createSSRApp(App);
  const router = createAppRouter(options.history);
  if (options.client) app.provide(DefaultApolloClient, options.client);
  app.provide(PAGE_STATE, options.page);
  app.use(router);
  return { app, router };
}
