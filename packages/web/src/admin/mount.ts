import { createApp } from 'vue';
import { DefaultApolloClient } from '@vue/apollo-composable';
import AdminApp from './AdminApp.vue';
import { createAdminClient } from './apollo';
import { AdminViewerDocument } from './generated/graphql';
import { createAdminRouter, safeNext, signInLocation } from './router';
import { createSession, SESSION } from './session';
// The desk's styles come with its chunk, as a string: the reader's one
// stylesheet (styles.css, linked from every page) does not grow with them.
import adminCss from './admin.css?inline';

/**
 * The editor's desk: rendered in the browser only (the server sends /admin
 * as a bare shell), so nothing of it is ever rendered for, or cached as, a
 * reader's page. entry-client.ts imports this lazily for /admin addresses.
 */
export function mountAdmin(container: Element): void {
  const style = document.createElement('style');
  style.dataset.admin = '';
  style.textContent = adminCss;
  document.head.append(style);
  container.replaceChildren();

  const session = createSession();
  const router = createAdminRouter();
  const toSignIn = () => {
    const current = router.currentRoute.value;
    if (current.meta.public) return;
    void router.replace(signInLocation(safeNext(current.fullPath)));
  };
  const client = createAdminClient(session, toSignIn);

  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    if (!session.state.token) return signInLocation(safeNext(to.fullPath));
    // cache-first: asked once per session (sign-in writes it into the cache).
    const result = await client
      .query({ query: AdminViewerDocument, fetchPolicy: 'cache-first' })
      .catch(() => null);
    if (!result?.data?.viewer) {
      session.forget();
      return signInLocation(safeNext(to.fullPath));
    }
    return true;
  });
  router.afterEach((to) => {
    document.title = `${to.meta.title ?? 'Editor’s desk'} — Editor’s desk`;
  });

  const app = createApp(AdminApp);
  app.provide(DefaultApolloClient, client);
  app.provide(SESSION, session);
  app.use(router);
  void router.isReady().then(() => app.mount(container));
}
