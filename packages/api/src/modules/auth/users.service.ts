import type { Database } from '../../db/database.js';
import { In, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors.js';
import type { AuthorRow } from '../posts/entities.js';
import type { SessionRow, UserRow } from './entities.js';
import { parseId } from '../../lib/ids.js';
import { pageNewestFirst, type Page, type PageArgs } from '../../lib/pagination.js';
import { clean, EMAIL } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { LIMITS, messages } from './messages.js';
import { hashPassword } from './passwords.js';
import { assertCan } from './policy.js';
import { ROLES, type Role, type Viewer } from './viewer.js';

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
 * Accounts: create, list, change role, reset password. Operators call the
 * plain methods through the CLI, which runs with the database's own
 * authority; GraphQL calls the `…As(viewer)` ones, which ask the policy
 * (user:manage: an ADMIN's signed-in session) first. Passwords are reset
 * only at the CLI.
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

  /** For GraphQL: every account, newest first (ADMIN only). */
  pageAs(viewer: Viewer | null, args: PageArgs): Promise<Page<UserRow>> {
    assertCan(viewer, 'user:manage');
    const qb = this.repo.createQueryBuilder('u');
    return pageNewestFirst(qb, { time: 'u.createdAt', id: 'u.id' }, (u) => u.createdAt, args);
  }

  /** For GraphQL: create (ADMIN only), with the CLI's checks. */
  createAs(viewer: Viewer | null, input: CreateUserInput): Promise<UserResult> {
    assertCan(viewer, 'user:manage');
    return this.create(input);
  }

  /** For GraphQL: change a role (ADMIN only); an id that is no user's is NOT_FOUND on `id`. */
  setRoleAs(viewer: Viewer | null, id: string, role: string): Promise<UserResult> {
    assertCan(viewer, 'user:manage');
    const userId = parseId(id);
    const notFound: UserError = {
      field: 'id',
      code: 'NOT_FOUND',
      message: messages.userIdNotFound,
    };
    if (userId === null) return Promise.resolve({ user: null, errors: [notFound] });
    return this.changeRole({ id: userId }, role, notFound);
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
    const taken: UserResult = {
      user: null,
      errors: [{ field: 'email', code: 'TAKEN', message: messages.emailTaken }],
    };
    if (await this.repo.existsBy({ email })) return taken;

    // Hash outside the transaction: it takes a while and needs no lock.
    const passwordHash = await hashPassword(input.password);
    const user = await this.deps.db
      .write(async (em) => {
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
      })
      .catch((error: unknown) => {
        // The same address created meanwhile (by another request or process): still a field error.
        if (isUniqueViolation(error)) return null;
        throw error;
      });
    return user ? { user, errors: [] } : taken;
  }

  /** For the CLI: by email address. Refuses to leave the site without an ADMIN, like setRoleAs. */
  setRole(emailInput: string, roleInput: string): Promise<UserResult> {
    return this.changeRole({ email: normalizeEmail(emailInput) }, roleInput, notFound());
  }

  /**
   * Changes a role unless that demotes the last ADMIN (LAST_ADMIN on `role`).
   * The count and the change are one unit of work, with every ADMIN row
   * locked first (see lockAdmins): of two ADMINs demoting each other at
   * once, the second finds itself the last one and is refused.
   */
  private async changeRole(
    where: { id: number } | { email: string },
    roleInput: string,
    notFoundError: UserError,
  ): Promise<UserResult> {
    const role = parseRole(roleInput);
    if (!role)
      return {
        user: null,
        errors: [{ field: 'role', code: 'INVALID_ROLE', message: messages.roleInvalid }],
      };
    return this.deps.db.write(async (em): Promise<UserResult> => {
      const admins = await lockAdmins(this.deps.db, em);
      const repo = em.getRepository<UserRow>('User');
      const user = await repo.findOneBy(where);
      if (!user) return { user: null, errors: [notFoundError] };
      if (user.role === 'ADMIN' && role !== 'ADMIN' && !admins.some((a) => a.id !== user.id)) {
        return {
          user: null,
          errors: [{ field: 'role', code: 'LAST_ADMIN', message: messages.lastAdmin }],
        };
      }
      if (user.role === role) return { user, errors: [] };
      const updatedAt = new Date();
      await repo.update({ id: user.id }, { role, updatedAt });
      return { user: { ...user, role, updatedAt }, errors: [] };
    });
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

/**
 * The ADMIN rows as they are now, locked until the unit of work ends on
 * PostgreSQL (in id order, so two units never wait on each other in a
 * circle); a row demoted by a unit that committed while this one waited is
 * no longer among them. SQLite's unit of work holds the write lock already
 * (BEGIN IMMEDIATE): one at a time.
 */
function lockAdmins(db: Database, em: EntityManager): Promise<UserRow[]> {
  const qb = em
    .getRepository<UserRow>('User')
    .createQueryBuilder('u')
    .where('u.role = :role', { role: 'ADMIN' satisfies Role })
    .orderBy('u.id', 'ASC');
  if (db.kind === 'postgres') qb.setLock('pessimistic_write');
  return qb.getMany();
}

function notFound(): UserError {
  return { field: 'email', code: 'NOT_FOUND', message: messages.userNotFound };
}
