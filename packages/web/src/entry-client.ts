import { createWebHistory } from 'vue-router';
import { createApolloClient } from './apollo';
import { browserLink } from './browser-link';
import { createColloquyApp } from './create-app';
import { EMPTY_PAGE_STATE } from './lib/page-state';
import { readPageData } from './ssr/page-data';
import './styles.css';

// /admin is the editor's desk: a separate, lazily loaded chunk rendered in
// the browser only (the server sends it an empty shell), so a reader's page
// never loads any of it.
const path = window.location.pathname;
if (path === '/admin' || path.startsWith('/admin/')) {
  void import('./admin/mount').then(({ mountAdmin }) =>
    mountAdmin(document.getElementById('app')!),
  );
} else {
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
}
