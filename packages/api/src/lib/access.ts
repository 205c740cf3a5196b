import { assertCan, reach, type Action } from '../modules/auth/policy.js';
import type { Viewer } from '../modules/auth/viewer.js';

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
