import { createRouter, createWebHistory, type RouteLocationRaw, type Router } from 'vue-router';
import SignInPage from './pages/SignInPage.vue';
import DashboardPage from './pages/DashboardPage.vue';
import CommentQueuePage from './pages/CommentQueuePage.vue';
import LinkbackQueuePage from './pages/LinkbackQueuePage.vue';
import SitePage from './pages/SitePage.vue';
import SiteGeneralPage from './pages/SiteGeneralPage.vue';
import DiscussionSettingsPage from './pages/DiscussionSettingsPage.vue';
import ShareTargetsPage from './pages/ShareTargetsPage.vue';
import TokensPage from './pages/TokensPage.vue';
import WebhooksPage from './pages/WebhooksPage.vue';
import WebhookEndpointPage from './pages/WebhookEndpointPage.vue';
import UsersPage from './pages/UsersPage.vue';
import PostsPage from './pages/PostsPage.vue';
import PostEditorPage from './pages/PostEditorPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import type { AdminViewerFragment } from './generated/graphql';

/** A `viewer.can…` field: a screen whose meta names one is for viewers who have it. */
export type Capability = {
  [K in keyof AdminViewerFragment]: K extends `can${string}` ? K : never;
}[keyof AdminViewerFragment];

declare module 'vue-router' {
  interface RouteMeta {
    /** The screen's name, for the document title. */
    title?: string;
    /** Open to anonymous visitors (the sign-in screen). */
    public?: boolean;
    /** Shown only to viewers with this capability; others see why not (the API refuses them anyway). */
    can?: Capability;
    /** The same, for an action the viewer has no `can…` field for: one of `viewer.permissions`. */
    permission?: string;
  }
}

/** Where to go back to after signing in: a path of the desk, never another site. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')
    ? value
    : '/';
}

export function signInLocation(next: string): RouteLocationRaw {
  return next === '/' ? { name: 'sign-in' } : { name: 'sign-in', query: { next } };
}

export function createAdminRouter(base = '/admin/'): Router {
  return createRouter({
    history: createWebHistory(base),
    routes: [
      {
        path: '/sign-in',
        name: 'sign-in',
        component: SignInPage,
        meta: { title: 'Sign in', public: true },
      },
      {
        path: '/',
        name: 'dashboard',
        component: DashboardPage,
        meta: { title: 'Dashboard' },
      },
      {
        path: '/comments',
        name: 'comments',
        component: CommentQueuePage,
        meta: { title: 'Comments', can: 'canModerateComments' },
      },
      {
        path: '/linkbacks',
        name: 'linkbacks',
        component: LinkbackQueuePage,
        meta: { title: 'Linkbacks', can: 'canModerateComments' },
      },
      {
        path: '/posts',
        name: 'posts',
        component: PostsPage,
        meta: { title: 'Posts', can: 'canReadDrafts' },
      },
      {
        path: '/posts/new',
        name: 'post-new',
        component: PostEditorPage,
        props: { id: null },
        meta: { title: 'New post', can: 'canCreatePosts' },
      },
      {
        path: '/posts/:id',
        name: 'post-edit',
        component: PostEditorPage,
        props: (route) => ({ id: String(route.params.id) }),
        meta: { title: 'Edit post', can: 'canReadDrafts' },
      },
      {
        // The site's settings: a section of screens with its own tabs (SitePage).
        path: '/site',
        component: SitePage,
        meta: { title: 'Site', can: 'canManageSettings' },
        children: [
          { path: '', name: 'site', component: SiteGeneralPage },
          {
            path: 'discussion',
            name: 'site-discussion',
            component: DiscussionSettingsPage,
            meta: { title: 'Discussion settings' },
          },
          {
            path: 'share',
            name: 'site-share',
            component: ShareTargetsPage,
            meta: { title: 'Share targets', can: 'canManageShareTargets' },
          },
        ],
      },
      {
        path: '/webhooks',
        name: 'webhooks',
        component: WebhooksPage,
        meta: { title: 'Webhooks', permission: 'webhook:manage' },
      },
      {
        path: '/webhooks/:id',
        name: 'webhook',
        component: WebhookEndpointPage,
        props: (route) => ({ id: String(route.params.id) }),
        meta: { title: 'Webhook endpoint', permission: 'webhook:manage' },
      },
      {
        path: '/users',
        name: 'users',
        component: UsersPage,
        meta: { title: 'Users', can: 'canManageUsers' },
      },
      {
        path: '/tokens',
        name: 'tokens',
        component: TokensPage,
        meta: { title: 'API tokens' },
      },
      {
        path: '/:rest(.*)*',
        name: 'not-found',
        component: NotFoundPage,
        meta: { title: 'Not found' },
      },
    ],
  });
}
