import {
  createRouter,
  createWebHistory,
  type LocationQueryValue,
  type RouterHistory,
} from 'vue-router';
import NotFoundPage from './pages/NotFoundPage.vue';
import PostPage from './pages/PostPage.vue';

// The post list is its own chunk: a post page does not load it.
const HomePage = () => import('./pages/HomePage.vue');
import { waitForElement } from './lib/dom';

function queryString(value: LocationQueryValue | LocationQueryValue[] | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function createAppRouter(history: RouterHistory = createWebHistory()) {
  return createRouter({
    history,
    routes: [
      {
        path: '/',
        name: 'home',
        component: HomePage,
        // ?after=<cursor>: older posts, without JavaScript.
        props: (route) => ({ after: queryString(route.query.after) }),
      },
      {
        path: '/posts/:slug',
        name: 'post',
        component: PostPage,
        // ?comments=<cursor>: a later page of the thread; ?replytocom=<id>: the
        // reply form under that comment. Both work without JavaScript.
        props: (route) => ({
          slug: String(route.params.slug),
          after: queryString(route.query.comments),
          replyToId: queryString(route.query.replytocom),
        }),
      },
      {
        path: '/tag/:slug',
        name: 'tag',
        component: HomePage,
        props: (route) => ({
          tag: String(route.params.slug),
          after: queryString(route.query.after),
        }),
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
