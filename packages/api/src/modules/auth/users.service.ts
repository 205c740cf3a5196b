import type { Database } from '../../db/database.js';
import { In } from 'typeorm';
import type { AuthorRow } from '../posts/entities.js';
import type { SessionRow, UserRow } from './entities.js';
import { clean, EMAIL } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { LIMITS, messages } from './messages.js';
import { hashPassword } from './passwords.js';
import { ROLES, type Role } from './viewer.js';

export interface CreateUserInput {
  email: string;
  displayName: string;
  password: string;
  role: string;
}

export interface UserResult {
  user: UserRow | null;
  errors: UserError[];
}

/** Emails are compared and stored lowercased and trimmed. */
export function normalizeEmail(email: string): string {
  return clean(email).toLowerCase();
}

export function parseRole(role: string): Role | null {
  const upper = role.trim().toUpperCase();
  return (ROLES as readonly string[]).includes(upper) ? (upper as Role) : null;
}

function emailErrors(email: string): UserError[] {
  if (!email) return [{ field: 'email', code: 'REQUIRED', message: messages.emailRequired }];
  if (email.length > LIMITS.email)
    return [{ field: 'email', code: 'TOO_LONG', message: messages.emailTooLong }];
  if (!EMAIL.test(email))
    return [{ field: 'email', code: 'INVALID_EMAIL', message: messages.emailInvalid }];
  return [];
}

export function passwordErrors(password: string): UserError[] {
  // Code points, not UTF-16 units: an emoji is one character to the person typing it.
  const length = [...password].length;
  if (length < LIMITS.passwordMin)
    return [{ field: 'password', code: 'TOO_SHORT', message: messages.passwordTooShort }];
  if (length > LIMITS.passwordMax)
    return [{ field: 'password', code: 'TOO_LONG', message: messages.passwordTooLong }];
  return [];
}

/**
 * Accounts: create, list, change role, reset password. Operators call it
 * through the CLI; nothing here checks rights (the CLI runs with the
 * database's own authority), so a GraphQL user-management API must call
 * assertCan(viewer, 'user:manage') before using it.
 */
export class UsersService {
  constructor(private readonly deps: { db: Database }) {}

  private get repo() {
    return this.deps.db.read.getRepository<UserRow>('User');
  }

  findByEmail(email: string): Promise<UserRow | null> {
    return this.repo.findOneBy({ email: normalizeEmail(email) });
  }

  findById(id: number): Promise<UserRow | null> {
    return this.repo.findOneBy({ id });
  }

  async byIds(ids: readonly number[]): Promise<Map<number, UserRow>> {
    const rows = await this.repo.findBy({ id: In([...ids]) });
    return new Map(rows.map((u) => [u.id, u]));
  }

  list(): Promise<UserRow[]> {
    return this.repo.find({ order: { id: 'ASC' } });
  }

  /**
   * Creates the user and links their author profile: an existing author with
   * the same email (so the seed author's address gets the seed post), or a new one.
   */
  async create(input: CreateUserInput): Promise<UserResult> {
    const email = normalizeEmail(input.email);
    const displayName = clean(input.displayName).replace(/\s+/g, ' ');
    const role = parseRole(input.role);
    const errors = [...emailErrors(email), ...passwordErrors(input.password)];
    if (!displayName)
      errors.push({ field: 'displayName', code: 'REQUIRED', message: messages.nameRequired });
    else if (displayName.length > LIMITS.displayName)
      errors.push({ field: 'displayName', code: 'TOO_LONG', message: messages.nameTooLong });
    if (!role) errors.push({ field: 'role', code: 'INVALID_ROLE', message: messages.roleInvalid });
    if (errors.length > 0 || !role) return { user: null, errors };
    if (await this.repo.existsBy({ email })) {
      return {
        user: null,
        errors: [{ field: 'email', code: 'TAKEN', message: messages.emailTaken }],
      };
    }

    // Hash outside the transaction: it takes a while and needs no lock.
    const passwordHash = await hashPassword(input.password);
    const user = await this.deps.db.write(async (em) => {
      // An author made here has no posts yet: readers see nothing new.
      this.deps.db.changed();
      const authors = em.getRepository<AuthorRow>('Author');
      const now = new Date();
      const existing = await authors
        .createQueryBuilder('a')
        .where('LOWER(a.email) = :email', { email })
        .getOne();
      const author =
        existing ?? (await authors.save({ name: displayName, email, url: null, createdAt: now }));
      return em.getRepository<UserRow>('User').save({
        email,
        displayName,
        passwordHash,
        role,
        authorId: author.id,
        createdAt: now,
        updatedAt: now,
      });
    });
    return { user, errors: [] };
  }

  async setRole(emailInput: string, roleInput: string): Promise<UserResult> {
    const role = parseRole(roleInput);
    if (!role)
      return {
        user: null,
        errors: [{ field: 'role', code: 'INVALID_ROLE', message: messages.roleInvalid }],
      };
    const user = await this.findByEmail(emailInput);
    if (!user) return { user: null, errors: [notFound()] };
    await this.deps.db.write((em) =>
      em.getRepository<UserRow>('User').update({ id: user.id }, { role, updatedAt: new Date() }),
    );
    return { user: { ...user, role }, errors: [] };
  }

  /** Sets a new password and ends the user's sessions (API tokens stay valid). */
  async resetPassword(emailInput: string, password: string): Promise<UserResult> {
    const errors = passwordErrors(password);
    if (errors.length > 0) return { user: null, errors };
    const user = await this.findByEmail(emailInput);
    if (!user) return { user: null, errors: [notFound()] };
    const passwordHash = await hashPassword(password);
    await this.deps.db.write(async (em) => {
      await em
        .getRepository<UserRow>('User')
        .update({ id: user.id }, { passwordHash, updatedAt: new Date() });
      await em.getRepository<SessionRow>('Session').delete({ userId: user.id });
    });
    return { user: { ...user, passwordHash }, errors: [] };
  }

  /** Stores a fresh hash of the same password (after the hashing parameters changed). */
  async rehash(userId: number, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.deps.db.write((em) =>
      em.getRepository<UserRow>('User').update({ id: userId }, { passwordHash }),
    );
  }
}

function notFound(): UserError {
  return { field: 'email', code: 'NOT_FOUND', message: messages.userNotFound };
}
