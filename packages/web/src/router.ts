import { createRouter, createWebHistory, type RouterHistory } from 'vue-router';
import HomePage from './pages/HomePage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import PostPage from './pages/PostPage.vue';
import { waitForElement } from './lib/dom';

export function createAppRouter(history: RouterHistory = createWebHistory()) {
  return createRouter({
    history,
    routes: [
      { path: '/', name: 'home', component: HomePage },
      {
        path: '/posts/:slug',
        name: 'post',
        component: PostPage,
        props: (route) => ({ slug: String(route.params.slug) }),
      },
      {
        path: '/tag/:slug',
        name: 'tag',
        component: HomePage,
        props: (route) => ({ tag: String(route.params.slug) }),
      },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage },
    ],
    async scrollBehavior(to, _from, savedPosition) {
      if (savedPosition) return savedPosition;
      if (to.hash) {
        // Anchors such as #comments exist only once the page's data has loaded.
        const target = await waitForElement(to.hash);
        return target ? { el: target, top: 16 } : { top: 0 };
      }
      return { top: 0 };
    },
  });
}
