import { createWebHistory } from 'vue-router';
import { createApolloClient } from './apollo';
import { browserLink } from './browser-link';
import { createColloquyApp } from './create-app';
import { EMPTY_PAGE_STATE } from './lib/page-state';
import { readPageData } from './ssr/page-data';
import './styles.css';

// The server put the data it rendered with into the page: with its query
// results written into the Apollo cache, the first render reads from it and
// hydrates the server's HTML without a GraphQL request.
const data = readPageData(document);
const { app, router } = createColloquyApp({
  client: createApolloClient({ link: browserLink(), queries: data?.queries }),
  history: createWebHistory(),
  page: data?.page ?? EMPTY_PAGE_STATE,
});

void router.isReady().then(() => app.mount('#app'));
