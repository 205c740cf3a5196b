import type { Database } from '../../src/db/database.js';
import type { CommentRow, CommentStatus } from '../../src/modules/comments/entities.js';
import { setCommentStatus } from '../../src/modules/comments/counters.js';
import { insertCommentRow } from '../../src/modules/comments/store.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import type { Role, UserRow } from '../../src/modules/auth/entities.js';
import { SettingsStore } from '../../src/db/settings.js';
import { UsersService } from '../../src/modules/auth/users.service.js';
import type {
  DiscussionSettings,
  DiscussionSettingsInput,
} from '../../src/modules/discussion/discussion-settings.js';
import { DiscussionSettingsService } from '../../src/modules/discussion/discussion-settings.service.js';
import type { TestServer } from './server.js';

/** Stores a post (published a minute ago, by the seed author, unless `fields` say otherwise). */
export function insertPost(
  db: Database,
  fields: Partial<PostRow> & { slug: string },
): Promise<PostRow> {
  const now = new Date();
  return db.write((em) =>
    em.getRepository<PostRow>('Post').save({
      title: fields.slug,
      contentHtml: '<p>x</p>',
      contentSource: '<p>x</p>',
      excerpt: 'x',
      status: 'PUBLISHED',
      publishedAt: new Date(now.getTime() - 60_000),
      createdAt: now,
      updatedAt: now,
      authorId: 1,
      commentsOpen: true,
      pingsOpen: true,
      ...fields,
    }),
  );
}

/**
 * Stores an approved top-level comment unless `fields` say otherwise, through
 * the comment store (store.ts), so the thread counters count it as the app's
 * own writes do.
 */
export function insertComment(
  db: Database,
  fields: Partial<Omit<CommentRow, 'id' | 'replyCount'>> & { postId: number; createdAt: Date },
): Promise<CommentRow> {
  return db.write((em) =>
    insertCommentRow(em, {
      parentId: null,
      depth: 0,
      authorName: 'Stored Commenter',
      authorEmail: 'stored@example.net',
      authorUrl: null,
      contentText: 'stored',
      contentHtml: '<p>stored</p>',
      status: 'APPROVED',
      moderationReason: null,
      ip: null,
      userAgent: null,
      userId: null,
      byPostAuthor: false,
      ...fields,
    }),
  );
}

/**
 * Sets comments' status as a moderator does (moderateComments), so the
 * thread counters move with it.
 */
export async function moderateComments(
  db: Database,
  ids: readonly number[],
  status: CommentStatus,
): Promise<void> {
  await db.write((em) => setCommentStatus(em, ids, status));
}

/**
 * Changes discussion settings through the real service, on the server's
 * database (the server reads them on every request). Throws on invalid input
 * so a typo in a test setup cannot pass silently.
 */
export async function setDiscussionSettings(
  db: Database,
  input: DiscussionSettingsInput,
): Promise<DiscussionSettings> {
  const service = discussionSettingsService(db);
  const result = await service.update(input);
  if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors));
  return result.settings!;
}

/** The real DiscussionSettingsService on a test database. */
export function discussionSettingsService(db: Database): DiscussionSettingsService {
  return new DiscussionSettingsService({
    settings: new SettingsStore({ db }),
  });
}

/** The password `createUser` gives every user unless told otherwise. */
export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * Creates a user through the real UsersService (scrypt hash, author profile
 * linked or created), as the CLI does. Role EDITOR unless told otherwise.
 */
export async function createUser(
  db: Database,
  fields: { email: string; role?: Role; displayName?: string; password?: string },
): Promise<UserRow> {
  const users = new UsersService({ db });
  const { user, errors } = await users.create({
    email: fields.email,
    displayName: fields.displayName ?? 'Test User',
    password: fields.password ?? TEST_PASSWORD,
    role: fields.role ?? 'EDITOR',
  });
  if (!user) throw new Error(`createUser failed: ${JSON.stringify(errors)}`);
  return user;
}

/** Creates a user (see createUser) and signs them in over GraphQL; returns the session token. */
export async function signInAs(
  server: Pick<TestServer, 'db' | 'gql'>,
  fields: { email: string; role?: Role; displayName?: string },
): Promise<{ user: UserRow; token: string }> {
  const user = await createUser(server.db, fields);
  const res = await server.gql<{ signIn: { token: string | null; errors: unknown[] } }>(
    'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token errors { code } } }',
    { e: fields.email, p: TEST_PASSWORD },
  );
  const token = res.data?.signIn.token;
  if (!token) throw new Error(`signInAs failed: ${res.raw}`);
  return { user, token };
}
