import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import type { Database } from '../../src/db/database.js';
import type { LinkbackRow, LinkbackStatus } from '../../src/modules/linkbacks/entities.js';
import { insertLinkback } from '../../src/modules/linkbacks/store.js';
import { tables } from '../../src/modules/index.js';
import { seedIfEmpty } from '../../src/seed/seed.js';
import { signedInUser, type SignedIn, type UserError } from '../support/editorial.js';
import { insertPost } from '../support/fixtures.js';
import { bulkLinkbacks, linkbackRows } from '../support/linkbacks.js';
import { databaseKinds, freshDatabase, startServer, type TestServer } from '../support/server.js';

const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateLinkbacks(ids: $ids, status: $status) { linkbacks { id status } errors { field code } }
}`;
const PUBLIC = `query($slug: String!) { post(slug: $slug) {
  linkbackCount linkbacks(first: 100) { totalCount edges { node { id } } } } }`;
const STATUSES: LinkbackStatus[] = ['PENDING', 'APPROVED', 'SPAM', 'TRASH'];

/** Approved linkbacks per post, as the counters hold them and as the rows count them. */
async function counters(db: Database): Promise<{ stored: string[]; counted: string[] }> {
  const rows = async (sql: string) =>
    ((await db.read.query(sql)) as { post_id: number; approved: number | string }[]).map(
      (r) => `${r.post_id}: ${Number(r.approved)}`,
    );
  return {
    // A post whose linkbacks all left APPROVED keeps its row, at 0.
    stored: await rows(
      'SELECT post_id, approved FROM linkback_counters WHERE approved <> 0 ORDER BY post_id',
    ),
    counted: await rows(
      `SELECT post_id, COUNT(*) AS approved FROM linkbacks WHERE status = 'APPROVED'
       GROUP BY post_id ORDER BY post_id`,
    ),
  };
}

/** mulberry32: a small seeded generator, so that a failing sequence can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(databaseKinds())('counters of approved linkbacks on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;

  beforeAll(async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    editor = await signedInUser(server, 'editor@example.com', 'EDITOR');
  });
  afterAll(async () => {
    await server?.close();
  });

  async function moderate(ids: number[], status: LinkbackStatus): Promise<void> {
    const res = await server.gqlAs<{ moderateLinkbacks: { errors: UserError[] } }>(
      editor.token,
      MODERATE,
      { ids: ids.map(String), status },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.moderateLinkbacks.errors).toEqual([]);
  }

  /** What readers get: linkbackCount, and the connection's totalCount and edges. */
  async function shown(slug: string): Promise<{ count: number; total: number; edges: number }> {
    const res = await server.gql<{
      post: { linkbackCount: number; linkbacks: { totalCount: number; edges: unknown[] } };
    }>(PUBLIC, { slug });
    expect(res.errors).toBeUndefined();
    const { linkbackCount, linkbacks } = res.data!.post;
    return { count: linkbackCount, total: linkbacks.totalCount, edges: linkbacks.edges.length };
  }
  const exactly = (n: number) => ({ count: n, total: n, edges: n });

  it('keeps linkbackCount exact through moderateLinkbacks (approve, again, unapprove, spam, trash, back) and deletePost', async () => {
    const post = await insertPost(server.db, { slug: 'moderated' });
    await bulkLinkbacks(server.db, post.id, 6, { status: 'PENDING' });
    const ids = (await linkbackRows(server.db, post.id)).map((r) => r.id);
    expect(await shown('moderated')).toEqual(exactly(0));

    await moderate(ids.slice(0, 4), 'APPROVED');
    expect(await shown('moderated')).toEqual(exactly(4));
    // Approving what is approved already counts nothing twice.
    await moderate(ids.slice(2, 5), 'APPROVED');
    expect(await shown('moderated')).toEqual(exactly(5));
    await moderate([ids[0]!], 'PENDING');
    expect(await shown('moderated')).toEqual(exactly(4));
    await moderate([ids[1]!, ids[5]!], 'SPAM');
    expect(await shown('moderated')).toEqual(exactly(3));
    await moderate([ids[2]!], 'TRASH');
    expect(await shown('moderated')).toEqual(exactly(2));
    await moderate([ids[1]!, ids[2]!, ids[5]!], 'APPROVED');
    expect(await shown('moderated')).toEqual(exactly(5));
    expect((await counters(server.db)).stored).toContain(`${post.id}: 5`);

    // Deleting the post for good takes its linkbacks and its counter with it.
    for (const mutation of ['trashPost', 'deletePost']) {
      const res = await server.gqlAs<Record<string, { errors: UserError[] }>>(
        editor.token,
        `mutation($id: ID!) { ${mutation}(id: $id) { errors { code } } }`,
        { id: String(post.id) },
      );
      expect(res.data![mutation]!.errors).toEqual([]);
    }
    const left = await server.db.read.query(
      `SELECT COUNT(*) AS n FROM linkback_counters WHERE post_id = ${post.id}`,
    );
    expect(Number((left as { n: number | string }[])[0]!.n)).toBe(0);
    const { stored, counted } = await counters(server.db);
    expect(stored).toEqual(counted);
  });

  it('matches a recount after a seeded random sequence of stores, moderations (some at the same time) and removals', async () => {
    const random = seeded(20260509);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const some = (list: readonly number[], most: number): number[] => {
      const picked = new Set<number>();
      const n = 1 + Math.floor(random() * most);
      for (let i = 0; i < n; i++) picked.add(pick(list));
      return [...picked];
    };
    const posts: { id: number; slug: string }[] = [
      { id: 1, slug: 'social-media-surgery-for-mental-health-smsmhealth' },
    ];
    for (const slug of ['random-a', 'random-b']) posts.push(await insertPost(server.db, { slug }));
    const live: number[] = [];
    let stored = 0;

    for (let step = 0; step < 150; step++) {
      const r = random();
      if (r < 0.3 || live.length < 4) {
        // Received (or seeded): every insert goes through the store, in any status.
        const row = await server.db.write((em) =>
          insertLinkback(em, {
            postId: pick(posts).id,
            kind: pick(['TRACKBACK', 'PINGBACK', 'WEBMENTION'] as const),
            sourceUrl: `https://random.example.net/${stored++}`,
            status: pick(STATUSES),
            createdAt: new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 1000) * 60_000),
          }),
        );
        live.push(row.id);
      } else if (r < 0.75) {
        await moderate(some(live, 6), pick(STATUSES));
      } else if (r < 0.9) {
        // Moderators at the same time, on overlapping linkbacks.
        await Promise.all([0, 1, 2].map(() => moderate(some(live, 6), pick(STATUSES))));
      } else {
        // A webmention whose source is gone: the linkback is removed.
        const id = pick(live);
        await server.app.services.linkbacks.remove(id);
        live.splice(live.indexOf(id), 1);
      }
      if (step % 25 === 24) {
        const now = await counters(server.db);
        expect(now.stored, `after step ${step}`).toEqual(now.counted);
      }
    }

    const { stored: final, counted } = await counters(server.db);
    expect(final).toEqual(counted);
    for (const post of posts) {
      const approved = await server
        .repo<LinkbackRow>('Linkback')
        .countBy({ postId: post.id, status: 'APPROVED' });
      expect(approved).toBeLessThanOrEqual(100);
      expect(await shown(post.slug)).toEqual(exactly(approved));
    }
  });
});

describe.each(databaseKinds())('the linkback counters migration on %s', (kind) => {
  it('back-fills the counters from the linkbacks stored before it, reverted and applied again', async () => {
    const { db, drop } = await freshDatabase(kind);
    const database = await openDatabase(createDatabase(db, { tables }));
    try {
      await seedIfEmpty(database);
      const ds = database.writer;
      const applied = async () =>
        ((await ds.query('SELECT name FROM migrations')) as { name: string }[]).map((m) => m.name);
      // Undo newer migrations first, down to and including this one.
      while ((await applied()).includes('LinkbackCounters1795479100000')) {
        await ds.undoLastMigration({ transaction: 'each' });
      }
      const second = await insertPost(database, { slug: 'before-the-counters' });
      const rows = (postId: number, statuses: LinkbackStatus[]) =>
        statuses.map((status, i) => ({
          postId,
          kind: 'PINGBACK' as const,
          sourceUrl: `https://before.example.net/${postId}/${i}`,
          title: null,
          excerpt: null,
          blogName: null,
          status,
          createdAt: new Date(Date.UTC(2019, 0, 1, 0, i)),
        }));
      await database.write((em) =>
        em
          .createQueryBuilder()
          .insert()
          .into('Linkback')
          .values([
            ...rows(1, ['APPROVED', 'PENDING', 'SPAM']),
            ...rows(second.id, ['APPROVED', 'APPROVED', 'TRASH', 'APPROVED']),
          ])
          .updateEntity(false)
          .execute(),
      );

      await ds.runMigrations({ transaction: 'each' });
      const { stored, counted } = await counters(database);
      expect(stored).toEqual([`1: 4`, `${second.id}: 3`]);
      expect(stored).toEqual(counted);
    } finally {
      await database.close();
      await drop();
    }
  });
});
