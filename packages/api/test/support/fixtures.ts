import type { DataSource } from 'typeorm';
import type { CommentRow, PostRow } from '../../src/db/entities.js';
import { SettingsStore } from '../../src/db/settings.js';
import { createTransactionRunner } from '../../src/db/transactions.js';
import type {
  DiscussionSettings,
  DiscussionSettingsInput,
} from '../../src/modules/discussion/discussion-settings.js';
import { DiscussionSettingsService } from '../../src/modules/discussion/discussion-settings.service.js';

/** Stores a post (published a minute ago, by the seed author, unless `fields` say otherwise). */
export function insertPost(
  ds: DataSource,
  fields: Partial<PostRow> & { slug: string },
): Promise<PostRow> {
  const now = new Date();
  return ds.getRepository<PostRow>('Post').save({
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
  });
}

/** Stores an approved top-level comment unless `fields` say otherwise. */
export function insertComment(
  ds: DataSource,
  fields: Partial<CommentRow> & { postId: number; createdAt: Date },
): Promise<CommentRow> {
  return ds.getRepository<CommentRow>('Comment').save({
    parentId: null,
    depth: 0,
    authorName: 'Stored Commenter',
    authorEmail: 'stored@example.net',
    authorUrl: null,
    contentText: 'stored',
    contentHtml: '<p>stored</p>',
    status: 'APPROVED',
    ip: null,
    userAgent: null,
    ...fields,
  });
}

/**
 * Changes discussion settings through the real service, on the server's
 * database (the server reads them on every request). Throws on invalid input
 * so a typo in a test setup cannot pass silently.
 */
export async function setDiscussionSettings(
  ds: DataSource,
  input: DiscussionSettingsInput,
): Promise<DiscussionSettings> {
  const service = discussionSettingsService(ds);
  const result = await service.update(input);
  if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors));
  return result.settings!;
}

/** The real DiscussionSettingsService on a test database. */
export function discussionSettingsService(ds: DataSource): DiscussionSettingsService {
  return new DiscussionSettingsService({
    settings: new SettingsStore({ dataSource: ds, transaction: createTransactionRunner(ds) }),
  });
}
