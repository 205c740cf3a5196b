import { insertOne, type Database } from '../../db/database.js';
import { GraphQLError } from 'graphql';
import { dbDate } from '../../db/dates.js';
import type { ApiTokenRow, SessionRow, UserRow } from './entities.js';
import type { UserError } from '../../lib/user-errors.js';
import type { RequestMeta } from '../../lib/request-meta.js';
import { AUTH } from './constants.js';
import { messages } from './messages.js';
import { needsRehash, UNMATCHABLE_HASH, verifyPassword } from './passwords.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret, SESSION_PREFIX } from './secrets.js';
import { SignInThrottle } from './throttle.js';
import { normalizeEmail, type UsersService } from './users.service.js';
import { API_TOKEN_SCOPES, type ApiTokenScope, type Credential, type Viewer } from './viewer.js';

export interface SignInResult {
  token: string | null;
  expiresAt: Date | null;
  viewer: Viewer | null;
  errors: UserError[];
}

export function viewerOf(user: UserRow, credential: Credential): Viewer {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    authorId: user.authorId,
    credential,
  };
}

export function parseScopes(stored: string): ApiTokenScope[] {
  return stored
    .split(',')
    .filter((s): s is ApiTokenScope => (API_TOKEN_SCOPES as readonly string[]).includes(s));
}

interface FoundCredential {
  userId: number;
  lastUsedAt: Date | null;
  credential: Credential;
  /** Records that the credential was used now. */
  touch: () => Promise<unknown>;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: {
        status: 401,
        headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]),
      },
    },
  });
}

/** Signing in and out, and recognising the bearer token on each request. */
export class AuthService {
  private readonly throttle: SignInThrottle;

  constructor(private readonly deps: { db: Database; users: UsersService }) {
    this.throttle = new SignInThrottle(deps);
  }

  /**
   * Checks the password and opens a session. Unknown email and wrong
   * password get the same answer after the same scrypt work; too many recent
   * failures for the email or the IP refuse the attempt even when the
   * password is right.
   */
  async signIn(emailInput: string, password: string, meta: RequestMeta): Promise<SignInResult> {
    const email = normalizeEmail(emailInput);
    const fail = (error: UserError): SignInResult => ({
      token: null,
      expiresAt: null,
      viewer: null,
      errors: [error],
    });

    const begun = await this.throttle.begin(email, meta.ip);
    if (!begun.ok) {
      return fail({
        field: null,
        code: 'RATE_LIMITED',
        message: messages.rateLimited(begun.retryAt),
      });
    }

    const user = email ? await this.deps.users.findByEmail(email) : null;
    // Unknown emails are checked against a throwaway hash: the same work, the same time.
    const matches = await verifyPassword(password, user?.passwordHash ?? UNMATCHABLE_HASH);
    if (!user || !matches) {
      return fail({
        field: null,
        code: 'INVALID_CREDENTIALS',
        message: messages.invalidCredentials,
      });
    }

    await this.throttle.succeeded(begun.attempt);
    if (needsRehash(user.passwordHash)) await this.deps.users.rehash(user.id, password);
    const { secret, hash } = newSecret(SESSION_PREFIX);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + AUTH.sessionTtlMs);
    const session = await this.deps.db.write(async (em) => {
      // Housekeeping: the user's expired sessions are of no use to anyone.
      await em
        .getRepository<SessionRow>('Session')
        .createQueryBuilder()
        .delete()
        .where('user_id = :userId AND expires_at <= :now', {
          userId: user.id,
          now: dbDate(this.deps.db, now),
        })
        .execute();
      return insertOne<SessionRow>(em, 'Session', {
        userId: user.id,
        tokenHash: hash,
        createdAt: now,
        expiresAt,
        lastUsedAt: now,
      });
    });
    return {
      token: secret,
      expiresAt,
      viewer: viewerOf(user, { kind: 'session', sessionId: session.id }),
      errors: [],
    };
  }

  /** Ends the session this request came with. */
  async signOut(viewer: Viewer): Promise<void> {
    if (viewer.credential.kind !== 'session') {
      throw new GraphQLError(messages.signOutNeedsSession, {
        extensions: { code: 'FORBIDDEN' },
      });
    }
    const { sessionId } = viewer.credential;
    await this.deps.db.write((em) =>
      em.getRepository<SessionRow>('Session').delete({ id: sessionId }),
    );
  }

  private get sessions() {
    return this.deps.db.read.getRepository<SessionRow>('Session');
  }

  private get apiTokens() {
    return this.deps.db.read.getRepository<ApiTokenRow>('ApiToken');
  }

  /**
   * The viewer for an Authorization header: null without one; throws
   * UNAUTHENTICATED (HTTP 401) for a token that is malformed, unknown,
   * expired or revoked, so a client notices rather than silently reading
   * as anonymous.
   */
  async authenticate(authorization: string | undefined): Promise<Viewer | null> {
    if (authorization === undefined || authorization.trim() === '') return null;
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    if (!secret) throw unauthenticated(messages.badAuthorizationHeader);
    const now = new Date();
    const found = await this.findCredential(secret, now);
    if (!found) throw unauthenticated(messages.invalidToken);
    const user = await this.deps.users.findById(found.userId);
    if (!user) throw unauthenticated(messages.invalidToken);
    if (
      !found.lastUsedAt ||
      now.getTime() - found.lastUsedAt.getTime() >= AUTH.lastUsedResolutionMs
    ) {
      await found.touch();
    }
    return viewerOf(user, found.credential);
  }

  /** The live session or API token behind a secret; null when unknown or expired. */
  private async findCredential(secret: string, now: Date): Promise<FoundCredential | null> {
    if (secret.startsWith(SESSION_PREFIX)) {
      const s = await this.sessions.findOneBy({ tokenHash: hashSecret(secret) });
      if (!s || s.expiresAt.getTime() <= now.getTime()) return null;
      return {
        userId: s.userId,
        lastUsedAt: s.lastUsedAt,
        credential: { kind: 'session', sessionId: s.id },
        touch: () =>
          this.deps.db.write((em) =>
            em.getRepository<SessionRow>('Session').update({ id: s.id }, { lastUsedAt: now }),
          ),
      };
    }
    if (secret.startsWith(API_TOKEN_PREFIX)) {
      const t = await this.apiTokens.findOneBy({ tokenHash: hashSecret(secret) });
      if (!t || (t.expiresAt !== null && t.expiresAt.getTime() <= now.getTime())) return null;
      return {
        userId: t.userId,
        lastUsedAt: t.lastUsedAt,
        credential: { kind: 'apiToken', tokenId: t.id, scopes: parseScopes(t.scopes) },
        touch: () =>
          this.deps.db.write((em) =>
            em.getRepository<ApiTokenRow>('ApiToken').update({ id: t.id }, { lastUsedAt: now }),
          ),
      };
    }
    return null;
  }
}
