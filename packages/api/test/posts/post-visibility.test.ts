import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import type { AuthorRow, PostRow } from '../../src/modules/posts/entities.js';
import {
  editorStatus,
  editorStatusCondition,
  isVisible,
  visibleCondition,
  type EditorPostStatus,
} from '../../src/modules/posts/visibility.js';
import { insertPost } from '../support/fixtures.js';
import { databaseKinds, freshDatabase } from '../support/server.js';
import { tables } from '../../src/modules/index.js';

describe.each(databaseKinds())('the visibility rule on %s', (kind) => {
  let db: Database;
  let drop: () => Promise<void>;
  // One instant for every check; "published-now" is published exactly then.
  const now = new Date(Date.UTC(2030, 5, 15, 12, 0, 0, 123));
  const hour = 3600_000;
  const cases: { slug: string; status: PostRow['status']; publishedAt: Date | null }[] = [
    { slug: 'draft', status: 'DRAFT', publishedAt: null },
    { slug: 'trashed', status: 'TRASH', publishedAt: new Date(now.getTime() - hour) },
    { slug: 'scheduled', status: 'PUBLISHED', publishedAt: new Date(now.getTime() + 1) },
    { slug: 'published-now', status: 'PUBLISHED', publishedAt: now },
    { slug: 'published-past', status: 'PUBLISHED', publishedAt: new Date(now.getTime() - hour) },
    // Not made by the API (publish always sets a date), but the rule must still hold.
    { slug: 'published-undated', status: 'PUBLISHED', publishedAt: null },
  ];
  /** The posts as stored and read back: what the in-memory form judges in the app. */
  let posts: PostRow[] = [];

  beforeAll(async () => {
    const fresh = await freshDatabase(kind);
    drop = fresh.drop;
    db = await openDatabase(createDatabase(fresh.db, { tables }));
    const author = await db.write((em) =>
      em.getRepository<AuthorRow>('Author').save({
        name: 'Vis Ibility',
        email: 'vis@example.org',
        url: null,
        createdAt: now,
      }),
    );
    for (const c of cases) await insertPost(db, { ...c, authorId: author.id });
    posts = await db.read.getRepository<PostRow>('Post').find();
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  /** Slugs of the stored posts that match `where`, sorted. */
  async function slugsWhere(condition: { where: string; parameters: object }): Promise<string[]> {
    const rows = await db.read
      .getRepository<PostRow>('Post')
      .createQueryBuilder('post')
      .where(condition.where, condition.parameters)
      .getMany();
    return rows.map((p) => p.slug).sort();
  }
  const slugsOf = (rows: PostRow[]) => rows.map((p) => p.slug).sort();

  it('tells readers the same in memory and in SQL: published-now and published-past only', async () => {
    expect(slugsOf(posts.filter((p) => isVisible(p, now)))).toEqual([
      'published-now',
      'published-past',
    ]);
    expect(await slugsWhere(visibleCondition('post', db, now))).toEqual([
      'published-now',
      'published-past',
    ]);
  });

  it('splits the posts for editors the same way in memory and in SQL', async () => {
    const expected: Record<EditorPostStatus, string[]> = {
      DRAFT: ['draft'],
      TRASH: ['trashed'],
      SCHEDULED: ['published-undated', 'scheduled'],
      PUBLISHED: ['published-now', 'published-past'],
    };
    for (const status of Object.keys(expected) as EditorPostStatus[]) {
      expect(slugsOf(posts.filter((p) => editorStatus(p, now) === status)), status).toEqual(
        expected[status],
      );
      expect(await slugsWhere(editorStatusCondition('post', status, db, now)), status).toEqual(
        expected[status],
      );
    }
    // No status asked for: everything but the trash.
    expect(await slugsWhere(editorStatusCondition('post', null, db, now))).toEqual(
      slugsOf(posts.filter((p) => editorStatus(p, now) !== 'TRASH')),
    );
  });
});
