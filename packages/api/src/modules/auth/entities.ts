import { EntitySchema } from 'typeorm';
import { ID_COLUMN, timestampType, type DbKind } from '../../db/columns.js';

export type Role = 'ADMIN' | 'EDITOR' | 'AUTHOR';

export interface UserRow {
  id: number;
  /** Stored lowercased; unique. */
  email: string;
  displayName: string;
  /** scrypt, as `$scrypt$ln=…,r=…,p=…$salt$hash` (see modules/auth/passwords.ts). */
  passwordHash: string;
  role: Role;
  /** The author profile whose posts are this user's own. */
  authorId: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRow {
  id: number;
  userId: number;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
}

export interface ApiTokenRow {
  id: number;
  userId: number;
  name: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  tokenHash: string;
  /** Comma-separated ApiTokenScope values. */
  scopes: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/** One failed (or in-flight) sign-in, counted per email and per IP to slow down guessing. */
export interface SignInAttemptRow {
  id: number;
  /** SHA-256 (hex) of "email:…" or "ip:…", so typed addresses are not kept in clear. */
  subject: string;
  createdAt: Date;
}

/** Accounts: users, sessions, API tokens, sign-in attempts. */
export function authEntities(kind: DbKind) {
  const ts = timestampType(kind);
  const id = ID_COLUMN;

  const User = new EntitySchema<UserRow>({
    name: 'User',
    tableName: 'users',
    columns: {
      id,
      email: { type: 'varchar', length: 254, unique: true },
      displayName: { type: 'varchar', length: 200, name: 'display_name' },
      passwordHash: { type: 'varchar', length: 255, name: 'password_hash' },
      role: { type: 'varchar', length: 16 },
      authorId: { type: 'integer', name: 'author_id', unique: true },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });
  const Session = new EntitySchema<SessionRow>({
    name: 'Session',
    tableName: 'sessions',
    columns: {
      id,
      userId: { type: 'integer', name: 'user_id' },
      tokenHash: { type: 'varchar', length: 64, name: 'token_hash', unique: true },
      createdAt: { type: ts, name: 'created_at' },
      expiresAt: { type: ts, name: 'expires_at' },
      lastUsedAt: { type: ts, name: 'last_used_at' },
    },
  });
  const ApiToken = new EntitySchema<ApiTokenRow>({
    name: 'ApiToken',
    tableName: 'api_tokens',
    columns: {
      id,
      userId: { type: 'integer', name: 'user_id' },
      name: { type: 'varchar', length: 100 },
      tokenHash: { type: 'varchar', length: 64, name: 'token_hash', unique: true },
      scopes: { type: 'varchar', length: 100 },
      createdAt: { type: ts, name: 'created_at' },
      lastUsedAt: { type: ts, name: 'last_used_at', nullable: true },
      expiresAt: { type: ts, name: 'expires_at', nullable: true },
    },
  });
  const SignInAttempt = new EntitySchema<SignInAttemptRow>({
    name: 'SignInAttempt',
    tableName: 'sign_in_attempts',
    columns: {
      id,
      subject: { type: 'varchar', length: 64 },
      createdAt: { type: ts, name: 'created_at' },
    },
  });

  return [User, Session, ApiToken, SignInAttempt];
}
