import { GraphQLError } from 'graphql';
import { messages } from './messages.js';
import type { ApiTokenScope, Role, Viewer } from './viewer.js';

/**
 * The one place that decides who may do what. Services ask it (`assertCan`)
 * before they read or write; the `viewer { can… }` fields ask it too, so a
 * UI shows exactly what the API will allow.
 */
export const ACTIONS = [
  'post:create',
  'post:edit',
  'post:publish',
  'post:delete',
  /** Read unpublished posts (drafts). */
  'post:readDrafts',
  /** Approve, mark as spam, trash, delete comments; see pending ones. */
  'comment:moderate',
  /** Read what commenters gave privately: email, website, IP, user agent. */
  'comment:readPrivate',
  'linkback:moderate',
  'shareTarget:manage',
  'settings:manage',
  'user:manage',
  /** Create, list and revoke one's own personal API tokens. */
  'apiToken:manage',
  /** Export and erase what is stored for an email address (GDPR articles 15 and 17). */
  'personalData:manage',
  /** Configure webhook endpoints (their secrets, and payloads that may carry private data); read their delivery log. */
  'webhook:manage',
] as const;

export type Action = (typeof ACTIONS)[number];

/**
 * What an action is done to, when that matters: the author (authors.id) of
 * the post concerned — the post being edited, or the post a comment or
 * linkback belongs to; for post:create, the author the new post is credited to.
 */
export interface Subject {
  authorId: number;
}

/** How far a viewer may do an action: on everything, only on their own posts, or not at all. */
export type Reach = 'all' | 'own' | 'none';

const ALL_ACTIONS: Readonly<Record<Action, Reach>> = Object.fromEntries(
  ACTIONS.map((a) => [a, 'all']),
) as Record<Action, Reach>;

const NONE: Readonly<Record<Action, Reach>> = Object.fromEntries(
  ACTIONS.map((a) => [a, 'none']),
) as Record<Action, Reach>;

/** What each role may do (before any token scope narrows it). */
export const ROLE_GRANTS: Readonly<Record<Role, Readonly<Record<Action, Reach>>>> = {
  ADMIN: ALL_ACTIONS,
  // All content and moderation; not site configuration (settings, share targets) nor users.
  EDITOR: {
    ...ALL_ACTIONS,
    'shareTarget:manage': 'none',
    'settings:manage': 'none',
    'user:manage': 'none',
    'personalData:manage': 'none',
    'webhook:manage': 'none',
  },
  // Their own posts, and the conversation on them.
  AUTHOR: {
    ...NONE,
    'post:create': 'own',
    'post:edit': 'own',
    'post:publish': 'own',
    'post:delete': 'own',
    'post:readDrafts': 'own',
    'comment:moderate': 'own',
    'comment:readPrivate': 'own',
    'linkback:moderate': 'own',
    'apiToken:manage': 'all',
  },
};

/**
 * The actions each API token scope can unlock. Actions not listed here
 * (share targets, settings, users, webhooks, API tokens themselves) need a signed-in
 * session: a leaked token must not be able to reconfigure the site, change
 * accounts or mint further tokens.
 */
export const SCOPE_GRANTS: Readonly<Record<ApiTokenScope, readonly Action[]>> = {
  READ_DRAFTS: ['post:readDrafts'],
  WRITE_CONTENT: ['post:create', 'post:edit', 'post:publish', 'post:delete'],
  MODERATE: ['comment:moderate', 'comment:readPrivate', 'linkback:moderate'],
};

/**
 * How far `viewer` may do `action`: the role's grant, and for an API token
 * only if one of its scopes covers the action. Null viewer (anonymous): none.
 */
export function reach(viewer: Viewer | null, action: Action): Reach {
  if (!viewer) return 'none';
  const granted = ROLE_GRANTS[viewer.role]?.[action] ?? 'none';
  if (granted === 'none' || viewer.credential.kind === 'session') return granted;
  const covered = viewer.credential.scopes.some((scope) => SCOPE_GRANTS[scope].includes(action));
  return covered ? granted : 'none';
}

/**
 * May `viewer` do `action` (to `subject`)? Without a subject the question is
 * "on everything": an AUTHOR gets `false` then, so forgetting the subject
 * never grants too much. To ask "on at least their own posts" (e.g. whether
 * to show a menu), use `reach(viewer, action) !== 'none'`.
 */
export function can(viewer: Viewer | null, action: Action, subject?: Subject): boolean {
  const r = reach(viewer, action);
  if (r === 'all') return true;
  if (r === 'own') return subject !== undefined && subject.authorId === viewer?.authorId;
  return false;
}

/** The signed-in viewer; throws UNAUTHENTICATED for anonymous requests. */
export function requireViewer(ctx: { viewer: Viewer | null }): Viewer {
  if (!ctx.viewer) {
    throw new GraphQLError(messages.signInRequired, {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  return ctx.viewer;
}

/**
 * Throws unless `viewer` may do `action` (to `subject`): UNAUTHENTICATED when
 * anonymous, FORBIDDEN with a message saying what is missing otherwise.
 * Returns the viewer, so callers can write `const viewer = assertCan(ctx.viewer, …)`.
 */
export function assertCan(viewer: Viewer | null, action: Action, subject?: Subject): Viewer {
  const signedIn = requireViewer({ viewer });
  if (can(signedIn, action, subject)) return signedIn;
  throw new GraphQLError(forbiddenMessage(signedIn, action, subject), {
    extensions: { code: 'FORBIDDEN', action },
  });
}

function forbiddenMessage(viewer: Viewer, action: Action, subject?: Subject): string {
  const byRole = ROLE_GRANTS[viewer.role][action];
  if (byRole === 'none') return messages.forbiddenRole(viewer.role, action);
  if (byRole === 'own' && (subject === undefined || subject.authorId !== viewer.authorId)) {
    return messages.forbiddenNotOwn(action);
  }
  // The role allows it, so the token's scopes do not.
  return messages.forbiddenScope(action, scopesFor(action));
}

/** The token scopes that unlock `action` (empty when only a session can do it). */
export function scopesFor(action: Action): ApiTokenScope[] {
  return (Object.keys(SCOPE_GRANTS) as ApiTokenScope[]).filter((s) =>
    SCOPE_GRANTS[s].includes(action),
  );
}

/**
 * What a UI should offer the viewer (the `Viewer.can…` fields): true when
 * the viewer may do the action at least on their own posts.
 */
export function capabilities(viewer: Viewer | null) {
  const some = (action: Action) => reach(viewer, action) !== 'none';
  return {
    canCreatePosts: some('post:create'),
    canReadDrafts: some('post:readDrafts'),
    canPublishPosts: some('post:publish'),
    canModerateComments: some('comment:moderate'),
    canManageShareTargets: some('shareTarget:manage'),
    canManageSettings: some('settings:manage'),
    canManageUsers: some('user:manage'),
  };
}

/** Every action the viewer may do, with its reach: the same table the API enforces. */
export function permissions(viewer: Viewer | null): { action: Action; reach: 'all' | 'own' }[] {
  return ACTIONS.flatMap((action) => {
    const r = reach(viewer, action);
    return r === 'none' ? [] : [{ action, reach: r }];
  });
}

/**
 * For lists: throws like assertCan unless the viewer may do `action` at least
 * on their own posts, and says how far ('own' means: filter to the viewer's
 * posts). The policy module stays the one place that decides.
 */
export function assertReach(
  viewer: Viewer | null,
  action: Action,
): { viewer: Viewer; reach: 'all' | 'own' } {
  const r = reach(viewer, action);
  // Asked about the viewer's own posts, so the error names the real lack (role, scope or sign-in).
  const me = assertCan(viewer, action, viewer ? { authorId: viewer.authorId } : undefined);
  return { viewer: me, reach: r === 'all' ? 'all' : 'own' };
}
