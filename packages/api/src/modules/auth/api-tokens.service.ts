import { insertOne, type Database } from '../../db/database.js';
import type { ApiTokenRow } from './entities.js';
import { parseId } from '../../lib/ids.js';
import { clean } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { LIMITS, messages } from './messages.js';
import { assertCan } from './policy.js';
import { API_TOKEN_PREFIX, newSecret } from './secrets.js';
import { API_TOKEN_SCOPES, type Viewer } from './viewer.js';

export interface CreateApiTokenInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | string | null;
}

export interface CreateApiTokenResult {
  /** The secret: shown this once, stored only as a hash. */
  token: string | null;
  apiToken: ApiTokenRow | null;
  errors: UserError[];
}

/** Personal API tokens: for scripts and other programs acting as their owner, within scopes. */
export class ApiTokensService {
  constructor(private readonly deps: { db: Database }) {}

  private get repo() {
    return this.deps.db.read.getRepository<ApiTokenRow>('ApiToken');
  }

  /** The viewer's own tokens, newest first (never the secrets). */
  listOwn(viewer: Viewer | null): Promise<ApiTokenRow[]> {
    const me = assertCan(viewer, 'apiToken:manage');
    return this.repo.find({ where: { userId: me.userId }, order: { id: 'DESC' } });
  }

  createOwn(viewer: Viewer | null, input: CreateApiTokenInput): Promise<CreateApiTokenResult> {
    const me = assertCan(viewer, 'apiToken:manage');
    return this.createFor(me.userId, input);
  }

  /** Revokes one of the viewer's tokens; false when they have none with this id. */
  async revokeOwn(viewer: Viewer | null, id: string): Promise<UserError[]> {
    const me = assertCan(viewer, 'apiToken:manage');
    const tokenId = parseId(id);
    const result =
      tokenId === null
        ? null
        : await this.deps.db.write((em) =>
            em.getRepository<ApiTokenRow>('ApiToken').delete({ id: tokenId, userId: me.userId }),
          );
    if (!result?.affected)
      return [{ field: 'id', code: 'NOT_FOUND', message: messages.tokenNotFound }];
    return [];
  }

  /** Creates a token for a user (the CLI calls this directly, with operator authority). */
  async createFor(userId: number, input: CreateApiTokenInput): Promise<CreateApiTokenResult> {
    const errors: UserError[] = [];
    const name = clean(input.name).replace(/\s+/g, ' ');
    if (!name)
      errors.push({ field: 'name', code: 'REQUIRED', message: messages.tokenNameRequired });
    else if (name.length > LIMITS.tokenName)
      errors.push({ field: 'name', code: 'TOO_LONG', message: messages.tokenNameTooLong });

    const scopes = [...new Set(input.scopes.map((s) => s.trim().toUpperCase()))];
    if (scopes.length === 0)
      errors.push({ field: 'scopes', code: 'REQUIRED', message: messages.scopesRequired });
    else if (!scopes.every((s) => (API_TOKEN_SCOPES as readonly string[]).includes(s)))
      errors.push({ field: 'scopes', code: 'INVALID_SCOPE', message: messages.scopeInvalid });

    const now = new Date();
    const expiresAt = input.expiresAt == null ? null : new Date(input.expiresAt);
    if (expiresAt && !(expiresAt.getTime() > now.getTime()))
      errors.push({ field: 'expiresAt', code: 'IN_THE_PAST', message: messages.expiryInPast });
    if (errors.length > 0) return { token: null, apiToken: null, errors };

    const { secret, hash } = newSecret(API_TOKEN_PREFIX);
    const apiToken = await this.deps.db.write((em) =>
      insertOne<ApiTokenRow>(em, 'ApiToken', {
        userId,
        name,
        tokenHash: hash,
        // In the canonical order, so equal sets read the same.
        scopes: API_TOKEN_SCOPES.filter((s) => scopes.includes(s)).join(','),
        createdAt: now,
        lastUsedAt: null,
        expiresAt,
      }),
    );
    return { token: secret, apiToken, errors: [] };
  }
}
