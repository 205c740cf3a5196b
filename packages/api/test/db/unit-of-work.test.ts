import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from 'typeorm';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { setCommentStatus } from '../../src/modules/comments/counters.js';
import type { PostRow, TagRow } from '../../src/modules/posts/entities.js';
import type { SessionRow } from '../../src/modules/auth/entities.js';
import type { SettingRow } from '../../src/db/settings.js';
import type { ShareTargetRow } from '../../src/modules/share/entities.js';
import { colloquy } from '../support/cli.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import {
  insertComment,
  insertPost,
  setDiscussionSettings,
  TEST_PASSWORD,
} from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

/**
 * Another request's unit of work: it runs `work`, then is held open until
 * `release()`, then commits (or, with `rollBack`, throws and rolls back).
 * `done` says which happened.
 */
function heldUnit(
  server: TestServer,
  work: (em: EntityManager) => Promise<unknown>,
  options: { rollBack?: boolean } = {},
) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const done = server.db
    .write(async (em) => {
      await work(em);
      opened();
      await released;
      if (options.rollBack) throw new Error('rolled back on purpose');
    })
    .then(
      () => 'committed',
      (error: Error) => error.message,
    );
  return { open, release, done };
}

/** A unit of work that inserts the tag `marker`, is held open until `release()`, then rolls back. */
const heldRollback = (server: TestServer, marker: string) =>
  heldUnit(server, (em) => em.getRepository<TagRow>('Tag').insert({ name: marker, slug: marker }), {
    rollBack: true,
  });

describe.each(databaseKinds())('one unit of work for every write on %s', (kind) => {
  let server: TestServer;
  let admin: SignedIn;
  let n = 0;

  beforeAll(async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    admin = await signedInUser(server, 'uow-admin@example.org', 'ADMIN');
    await setDiscussionSettings(server.db, {
      minSecondsBetweenComments: 0,
      moderationMode: 'PUBLISH',
    });
  });
  afterAll(() => server?.close());

  const asAdmin = <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ) => server.gqlAs<T>(admin.token, query, variables);

  /** Asserts a GraphQL write answered without errors, and returns its data. */
  async function ok(
    res: Promise<{ status: number; raw: string; data?: unknown; errors?: unknown }>,
  ) {
    const r = await res;
    expect(r.status, r.raw).toBe(200);
    expect(r.errors, r.raw).toBeUndefined();
    expect(r.raw).not.toMatch(/"errors":\[\{"field/);
    return r.data as Record<string, Record<string, unknown>>;
  }

  /**
   * Every kind of write the app makes, each as the API or the CLI's services
   * make it, with a check that it was stored. Each runs while another
   * request's unit of work is open and then rolls back.
   */
  function writes(tag: string) {
    const slug = `uow-${tag}`;
    let postId = '';
    let commentId = '';
    return [
      {
        name: 'createPost, publishPost, updatePost, unpublishPost, trashPost',
        run: async () => {
          const created = await ok(
            asAdmin(
              'mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } errors { field code } } }',
              { i: { title: `Unit of work ${tag}`, slug, content: '<p>x</p>', tags: [slug] } },
            ),
          );
          postId = (created.createPost!.post as { id: string }).id;
          await ok(
            asAdmin('mutation($id: ID!) { publishPost(id: $id) { errors { code } } }', {
              id: postId,
            }),
          );
          await ok(
            asAdmin(
              'mutation($i: UpdatePostInput!) { updatePost(input: $i) { errors { code } } }',
              { i: { id: postId, title: `Edited ${tag}` } },
            ),
          );
          await ok(
            asAdmin('mutation($id: ID!) { unpublishPost(id: $id) { errors { code } } }', {
              id: postId,
            }),
          );
          await ok(
            asAdmin('mutation($id: ID!) { trashPost(id: $id) { errors { code } } }', {
              id: postId,
            }),
          );
        },
        check: async () => {
          const post = await server.repo<PostRow>('Post').findOneByOrFail({ slug });
          expect([post.title, post.status]).toEqual([`Edited ${tag}`, 'TRASH']);
          expect(await server.repo<TagRow>('Tag').existsBy({ slug })).toBe(true);
        },
      },
      {
        name: 'submitComment, then moderateComments and editComment',
        run: async () => {
          const submitted = await ok(
            server.gql(
              'mutation($i: SubmitCommentInput!) { submitComment(input: $i) { comment { id } errors { code } } }',
              {
                i: {
                  postId: '1',
                  authorName: 'Una Work',
                  authorEmail: `uow-${tag}@example.net`,
                  content: `A comment that must not vanish (${tag}).`,
                },
              },
            ),
          );
          commentId = (submitted.submitComment!.comment as { id: string }).id;
          await ok(
            asAdmin(
              'mutation($ids: [ID!]!) { moderateComments(ids: $ids, status: PENDING) { errors { code } } }',
              { ids: [commentId] },
            ),
          );
          await ok(
            asAdmin(
              'mutation($i: EditCommentInput!) { editComment(input: $i) { errors { code } } }',
              {
                i: { id: commentId, authorName: 'Una Edited', content: `Edited (${tag}).` },
              },
            ),
          );
        },
        check: async () => {
          const row = await server
            .repo<CommentRow>('Comment')
            .findOneByOrFail({ id: Number(commentId) });
          expect([row.authorName, row.contentText, row.status]).toEqual([
            'Una Edited',
            `Edited (${tag}).`,
            'PENDING',
          ]);
        },
      },
      {
        name: 'createShareTarget and updateShareTarget',
        run: async () => {
          const input = {
            key: slug,
            name: `Share ${tag}`,
            label: 'Share',
            urlTemplate: 'https://share.example.org/?u={url}',
          };
          await ok(
            asAdmin(
              'mutation($i: CreateShareTargetInput!) { createShareTarget(input: $i) { errors { code } } }',
              { i: input },
            ),
          );
          await ok(
            asAdmin(
              'mutation($i: UpdateShareTargetInput!) { updateShareTarget(input: $i) { errors { code } } }',
              { i: { key: slug, enabled: false } },
            ),
          );
        },
        check: async () => {
          const target = await server
            .repo<ShareTargetRow>('ShareTarget')
            .findOneByOrFail({ key: slug });
          expect(target.enabled).toBe(false);
        },
      },
      {
        name: 'updateSite and updateDiscussionSettings (settings upserts)',
        run: async () => {
          await ok(
            asAdmin('mutation($t: String) { updateSite(title: $t) { errors { code } } }', {
              t: `Site ${tag}`,
            }),
          );
          await ok(
            asAdmin(
              'mutation($i: DiscussionSettingsInput!) { updateDiscussionSettings(input: $i) { errors { code } } }',
              { i: { maxLinks: 3 } },
            ),
          );
        },
        check: async () => {
          const title = await server
            .repo<SettingRow>('Setting')
            .findOneByOrFail({ key: 'site.title' });
          expect(title.value).toBe(`Site ${tag}`);
        },
      },
      {
        name: 'signIn (throttle records, session insert) and createApiToken',
        run: async () => {
          const signed = await ok(
            server.gql(
              'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token errors { code } } }',
              { e: 'uow-admin@example.org', p: TEST_PASSWORD },
            ),
          );
          const token = signed.signIn!.token as string;
          await ok(
            server.gqlAs(
              token,
              'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { errors { code } } }',
              { i: { name: `token ${tag}`, scopes: ['MODERATE'] } },
            ),
          );
        },
        check: async () => {
          const sessions = await server
            .repo<SessionRow>('Session')
            .countBy({ userId: admin.userId });
          expect(sessions).toBeGreaterThanOrEqual(2);
          const tokens = (await server.dataSource.query(
            kind === 'sqlite'
              ? 'SELECT name FROM api_tokens WHERE name = ?'
              : 'SELECT name FROM api_tokens WHERE name = $1',
            [`token ${tag}`],
          )) as unknown[];
          expect(tokens).toHaveLength(1);
        },
      },
      {
        name: 'the operator services (users.create, the job queue) in-process',
        run: async () => {
          const { user } = await server.app.services.users.create({
            email: `uow-user-${tag}@example.org`,
            displayName: `User ${tag}`,
            password: TEST_PASSWORD,
            role: 'author',
          });
          expect(user).not.toBeNull();
          await server.app.services.jobs.enqueue('test.uow', { tag });
        },
        check: async () => {
          expect(
            await server.app.services.users.findByEmail(`uow-user-${tag}@example.org`),
          ).not.toBeNull();
          const jobs = (await server.dataSource.query(
            "SELECT payload FROM jobs WHERE kind = 'test.uow'",
          )) as { payload: string }[];
          expect(jobs.map((j) => JSON.parse(j.payload) as { tag: string })).toContainEqual({ tag });
        },
      },
    ];
  }

  it('keeps every kind of write made while another unit of work is open and then rolls back', async () => {
    const tag = `interleaved-${++n}`;
    const held = heldRollback(server, `rolled-back-${tag}`);
    await held.open;
    const all = writes(tag);
    // Started while the other unit of work holds its transaction open.
    const running = all.map((w) => w.run());
    // On SQLite they queue behind it; on PostgreSQL they run beside it. Either way, let it roll back now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    held.release();
    expect(await held.done).toBe('rolled back on purpose');
    await Promise.all(running);
    for (const w of all) await w.check();
    expect(await server.repo<TagRow>('Tag').existsBy({ slug: `rolled-back-${tag}` })).toBe(false);
  });

  it('keeps a change committed while an edit of the same row was waiting (no stale row written back)', async () => {
    const post = await insertPost(server.db, { slug: `uow-stale-${++n}` });
    const comment = await insertComment(server.db, { postId: post.id, createdAt: new Date() });
    // Another request's unit of work trashes the post and marks the comment as spam, and holds.
    const moderation = heldUnit(server, async (em) => {
      await em.getRepository<PostRow>('Post').update({ id: post.id }, { status: 'TRASH' });
      await setCommentStatus(em, [comment.id], 'SPAM');
    });
    await moderation.open;
    // Editors edit the same post and comment meanwhile, from what they read before that commit.
    const edits = Promise.all([
      ok(
        asAdmin('mutation($i: UpdatePostInput!) { updatePost(input: $i) { errors { code } } }', {
          i: { id: String(post.id), title: 'Edited while trashed' },
        }),
      ),
      ok(
        asAdmin('mutation($i: EditCommentInput!) { editComment(input: $i) { errors { code } } }', {
          i: { id: String(comment.id), authorName: 'Edited Name', content: 'Edited text.' },
        }),
      ),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    moderation.release();
    expect(await moderation.done).toBe('committed');
    await edits;
    const stored = await server.repo<PostRow>('Post').findOneByOrFail({ id: post.id });
    expect([stored.title, stored.status]).toEqual(['Edited while trashed', 'TRASH']);
    const storedComment = await server
      .repo<CommentRow>('Comment')
      .findOneByOrFail({ id: comment.id });
    expect([storedComment.contentText, storedComment.status]).toEqual(['Edited text.', 'SPAM']);
  });

  it('rolls back only the unit that failed: a write made in another request is never undone with it', async () => {
    // The bug this guards against: on SQLite a bare save() joined whatever transaction was open.
    const post = await insertPost(server.db, { slug: `uow-bystander-${++n}` });
    const held = heldRollback(server, `rolled-back-bystander-${n}`);
    await held.open;
    const bystander = insertComment(server.db, { postId: post.id, createdAt: new Date() });
    held.release();
    await held.done;
    const row = await bystander;
    expect(await server.repo<CommentRow>('Comment').existsBy({ id: row.id })).toBe(true);
  });

  it('joins an open unit of work instead of nesting (no deadlock), and rolls back as one', async () => {
    const slug = `uow-nested-${++n}`;
    const inner = await server.db.write(async () =>
      // The inner call joins the outer one: same manager, no second transaction to wait for.
      server.db.write(async (em) => {
        await em.getRepository<TagRow>('Tag').insert({ name: slug, slug });
        return server.db.inTransaction;
      }),
    );
    expect(inner).toBe(true);
    expect(await server.repo<TagRow>('Tag').existsBy({ slug })).toBe(true);

    const undone = `${slug}-undone`;
    await expect(
      server.db.write(async () => {
        await server.db.write((em) =>
          em.getRepository<TagRow>('Tag').insert({ name: undone, slug: undone }),
        );
        throw new Error('outer fails after the inner wrote');
      }),
    ).rejects.toThrow('outer fails');
    expect(await server.repo<TagRow>('Tag').existsBy({ slug: undone })).toBe(false);
  });

  it('runs after-commit callbacks once committed, and never after a rollback', async () => {
    const calls: string[] = [];
    await server.db.write(async (em) => {
      server.db.afterCommit(() => calls.push('committed'));
      await em.query('SELECT 1');
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['committed']);
    await expect(
      server.db.write(async () => {
        server.db.afterCommit(() => calls.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(calls).toEqual(['committed']);
  });

  it('gives work that outlives its unit of work a unit of its own', async () => {
    const slug = `uow-late-${++n}`;
    let late!: Promise<unknown>;
    await server.db.write(async () => {
      // Started inside, finished after the commit: it must not write on the closed transaction.
      late = new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        server.db.write((em) => em.getRepository<TagRow>('Tag').insert({ name: slug, slug })),
      );
    });
    await late;
    expect(await server.repo<TagRow>('Tag').existsBy({ slug })).toBe(true);
  });

  it('lets the CLI create a user while 16 clients submit comments', async () => {
    const post = await insertPost(server.db, { slug: `uow-cli-${++n}` });
    let stop = false;
    const answers: number[] = [];
    const failures: string[] = [];
    const client = async (c: number) => {
      // Bounded: at most 200 submissions per client, and only while the CLI runs.
      for (let i = 0; i < 200 && !stop; i++) {
        const res = await server.gql<{ submitComment: { errors: unknown[] } }>(
          'mutation($i: SubmitCommentInput!) { submitComment(input: $i) { errors { code } } }',
          {
            i: {
              postId: String(post.id),
              authorName: `Client ${c}`,
              authorEmail: `client${c}@example.net`,
              content: `Comment ${i} from client ${c}.`,
            },
          },
        );
        answers.push(res.status);
        if (res.status !== 200 || res.errors || res.data?.submitComment.errors.length)
          failures.push(res.raw);
      }
    };
    const clients = Array.from({ length: 16 }, (_, c) => client(c));
    // Let the submissions get going before the CLI opens its own connection.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cli = await colloquy(
      server.config.database,
      ['user:create', '--email', `cli-${n}@example.org`, '--name', 'Cli User', '--role', 'editor'],
      'a long enough password for the cli\n',
    );
    stop = true;
    await Promise.all(clients);
    expect(cli.stderr).not.toMatch(/SQLITE_BUSY|locked/i);
    expect(cli.code, cli.stderr).toBe(0);
    expect(await server.app.services.users.findByEmail(`cli-${n}@example.org`)).not.toBeNull();
    expect(failures).toEqual([]);
    expect(answers.length).toBeGreaterThan(16);
    expect(await server.repo<CommentRow>('Comment').countBy({ postId: post.id })).toBe(
      answers.length,
    );
  });
});
