import type { Role } from './entities.js';

export type { Role };

export const ROLES = ['ADMIN', 'EDITOR', 'AUTHOR'] as const satisfies readonly Role[];

/** What a personal API token may be used for; a token never grants more than its owner's role. */
export const API_TOKEN_SCOPES = ['READ_DRAFTS', 'WRITE_CONTENT', 'MODERATE'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/** How the request proved who it is. */
export type Credential =
  | { kind: 'session'; sessionId: number }
  | { kind: 'apiToken'; tokenId: number; scopes: readonly ApiTokenScope[] };

/**
 * The signed-in user behind a request, as the GraphQL context carries it
 * (`context.viewer`, null when anonymous). Built per request from the user's
 * CURRENT row, so a change of role applies to the next request.
 */
export interface Viewer {
  userId: number;
  email: string;
  displayName: string;
  role: Role;
  /** The author profile whose posts are the viewer's own (posts.author_id). */
  authorId: number;
  credential: Credential;
}
