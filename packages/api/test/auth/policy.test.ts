import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  assertCan,
  can,
  capabilities,
  reach,
  requireViewer,
  type Action,
} from '../../src/modules/auth/policy.js';
import type { ApiTokenScope, Role, Viewer } from '../../src/modules/auth/viewer.js';

// The policy written out by hand, independently of policy.ts: for each
// action, how far each role reaches, and which token scope unlocks it
// (null: only a signed-in session can do it).
const TABLE: Record<
  Action,
  {
    ADMIN: 'all' | 'none';
    EDITOR: 'all' | 'none';
    AUTHOR: 'all' | 'own' | 'none';
    scope: ApiTokenScope | null;
  }
> = {
  'post:create': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'WRITE_CONTENT' },
  'post:edit': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'WRITE_CONTENT' },
  'post:publish': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'WRITE_CONTENT' },
  'post:delete': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'WRITE_CONTENT' },
  'post:readDrafts': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'READ_DRAFTS' },
  'comment:moderate': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'MODERATE' },
  'comment:readPrivate': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'MODERATE' },
  'linkback:moderate': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'own', scope: 'MODERATE' },
  'shareTarget:manage': { ADMIN: 'all', EDITOR: 'none', AUTHOR: 'none', scope: null },
  'settings:manage': { ADMIN: 'all', EDITOR: 'none', AUTHOR: 'none', scope: null },
  'user:manage': { ADMIN: 'all', EDITOR: 'none', AUTHOR: 'none', scope: null },
  'apiToken:manage': { ADMIN: 'all', EDITOR: 'all', AUTHOR: 'all', scope: null },
  'personalData:manage': { ADMIN: 'all', EDITOR: 'none', AUTHOR: 'none', scope: null },
  'webhook:manage': { ADMIN: 'all', EDITOR: 'none', AUTHOR: 'none', scope: null },
};

const ROLES: Role[] = ['ADMIN', 'EDITOR', 'AUTHOR'];
const OWN_AUTHOR = 7;
const OTHER_AUTHOR = 8;

type CredentialCase = { label: string; scopes: ApiTokenScope[] | null };
const CREDENTIALS: CredentialCase[] = [
  { label: 'session', scopes: null },
  { label: 'token READ_DRAFTS', scopes: ['READ_DRAFTS'] },
  { label: 'token WRITE_CONTENT', scopes: ['WRITE_CONTENT'] },
  { label: 'token MODERATE', scopes: ['MODERATE'] },
  { label: 'token with every scope', scopes: ['READ_DRAFTS', 'WRITE_CONTENT', 'MODERATE'] },
  { label: 'token without scopes', scopes: [] },
];

function viewer(role: Role, scopes: ApiTokenScope[] | null): Viewer {
  return {
    userId: 1,
    email: 'someone@example.org',
    displayName: 'Someone',
    role,
    authorId: OWN_AUTHOR,
    credential:
      scopes === null
        ? { kind: 'session', sessionId: 1 }
        : { kind: 'apiToken', tokenId: 1, scopes },
  };
}

describe('policy table: role × credential × action × subject', () => {
  it('lists exactly the actions of the hand-written table', () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(TABLE).sort());
  });

  const cases = ROLES.flatMap((role) =>
    CREDENTIALS.flatMap((cred) => ACTIONS.map((action) => ({ role, cred, action }))),
  );

  it.each(cases)('$role with $cred.label: $action', ({ role, cred, action }) => {
    const row = TABLE[action];
    const scopeAllows =
      cred.scopes === null || (row.scope !== null && cred.scopes.includes(row.scope));
    const expected = scopeAllows ? row[role] : 'none';
    const v = viewer(role, cred.scopes);

    expect(reach(v, action)).toBe(expected);
    // No subject asks "on everything"; an own subject and another's subject.
    expect(can(v, action)).toBe(expected === 'all');
    expect(can(v, action, { authorId: OWN_AUTHOR })).toBe(expected !== 'none');
    expect(can(v, action, { authorId: OTHER_AUTHOR })).toBe(expected === 'all');
  });

  it('denies everything to anonymous requests', () => {
    for (const action of ACTIONS) {
      expect(reach(null, action)).toBe('none');
      expect(can(null, action, { authorId: OWN_AUTHOR })).toBe(false);
    }
    expect(Object.values(capabilities(null)).every((x) => x === false)).toBe(true);
  });
});

describe('policy errors', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      return {
        code: (error as GraphQLError).extensions.code,
        message: (error as GraphQLError).message,
      };
    }
    return null;
  };

  it('requireViewer and assertCan throw UNAUTHENTICATED when nobody is signed in', () => {
    expect(codeOf(() => requireViewer({ viewer: null }))?.code).toBe('UNAUTHENTICATED');
    expect(codeOf(() => assertCan(null, 'post:create'))?.code).toBe('UNAUTHENTICATED');
  });

  it('assertCan returns the viewer when allowed, and says why when not (FORBIDDEN)', () => {
    const editor = viewer('EDITOR', null);
    expect(assertCan(editor, 'comment:moderate')).toBe(editor);

    expect(codeOf(() => assertCan(editor, 'settings:manage'))).toEqual({
      code: 'FORBIDDEN',
      message: 'Your role (EDITOR) does not allow settings:manage.',
    });
    expect(
      codeOf(() => assertCan(viewer('AUTHOR', null), 'post:edit', { authorId: OTHER_AUTHOR })),
    ).toEqual({
      code: 'FORBIDDEN',
      message: 'You may only do post:edit on your own posts.',
    });
    expect(codeOf(() => assertCan(viewer('ADMIN', ['READ_DRAFTS']), 'comment:moderate'))).toEqual({
      code: 'FORBIDDEN',
      message: 'This API token lacks the scope for comment:moderate (needs MODERATE).',
    });
    expect(codeOf(() => assertCan(viewer('ADMIN', ['MODERATE']), 'user:manage'))).toEqual({
      code: 'FORBIDDEN',
      message: 'user:manage needs a signed-in session; API tokens cannot do it.',
    });
  });

  it('capabilities are true when the viewer may act at least on their own posts', () => {
    expect(capabilities(viewer('AUTHOR', null))).toEqual({
      canCreatePosts: true,
      canReadDrafts: true,
      canPublishPosts: true,
      canModerateComments: true,
      canManageShareTargets: false,
      canManageSettings: false,
      canManageUsers: false,
    });
    expect(capabilities(viewer('ADMIN', ['READ_DRAFTS']))).toEqual({
      canCreatePosts: false,
      canReadDrafts: true,
      canPublishPosts: false,
      canModerateComments: false,
      canManageShareTargets: false,
      canManageSettings: false,
      canManageUsers: false,
    });
  });
});
