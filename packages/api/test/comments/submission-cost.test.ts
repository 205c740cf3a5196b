import type { AfterQueryEvent, EntitySubscriberInterface } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import { setDiscussionSettings } from '../support/fixtures.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
// What the benchmark asks for (bench/run.ts).
const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { status errors { code } } }`;

/**
 * The SQL statements one comment submission costs, on both databases. The
 * writer is one unit of work at a time on SQLite, so each statement inside
 * the unit is time no other write can use: this keeps the count from
 * creeping back up.
 */
describe.each(databaseKinds())('SQL statements per comment submission on %s', (kind) => {
  let server: TestServer;
  let post: PostRow;
  let emails = 0;

  beforeAll(async () => {
    server = await startServer(kind);
    post = await server.repo<PostRow>('Post').findOneByOrFail({ slug: SLUG });
  });
  afterAll(() => server?.close());

  /** Submits a comment; returns its status and the statements the server ran for it, in order. */
  async function submit(input: { authorEmail: string; content: string; parentId?: string }) {
    const statements: string[] = [];
    const subscriber: EntitySubscriberInterface = {
      afterQuery: (event: AfterQueryEvent<unknown>) => void statements.push(event.query),
    };
    // Both connections: the reader's (the post) and the writer's (the unit of work).
    server.db.reader.subscribers.push(subscriber);
    if (server.db.writer !== server.db.reader) server.db.writer.subscribers.push(subscriber);
    let status: string | null = null;
    const count = await server.countQueries(async () => {
      const res = await server.gql<{
        submitComment: { status: string | null; errors: { code: string }[] };
      }>(SUBMIT, { input: { postId: String(post.id), authorName: 'Ada', ...input } });
      expect(res.errors).toBeUndefined();
      expect(res.data!.submitComment.errors).toEqual([]);
      status = res.data!.submitComment.status;
    });
    server.db.reader.subscribers.pop();
    if (server.db.writer !== server.db.reader) server.db.writer.subscribers.pop();
    return { status, count, statements };
  }

  const begin = kind === 'sqlite' ? 'BEGIN IMMEDIATE' : 'START TRANSACTION';

  // PostgreSQL sends each live update (modules/live: moderators hear of every
  // new comment) as a pg_notify in the unit of work, one statement per event
  // it follows; SQLite delivers them in-process, for nothing.
  const live = kind === 'sqlite' ? [] : ['SELECT pg_notify($1, $2)'];

  it("costs 4 statements for a held comment with the repeat rules off (the benchmark's case): the post, then BEGIN, one INSERT, (PostgreSQL: the live NOTIFY,) COMMIT", async () => {
    await setDiscussionSettings(server.db, {
      minSecondsBetweenComments: 0,
      refuseDuplicates: false,
    });
    const email = `held${++emails}@example.net`;
    await submit({ authorEmail: email, content: 'Warming the kept settings up.' });

    const { status, count, statements } = await submit({ authorEmail: email, content: 'Held.' });
    expect(status).toBe('PENDING');
    expect(count).toBe(4 + live.length);
    expect(statements[0]).toMatch(/FROM "?posts"? /);
    expect(statements.slice(1, 2)).toEqual([begin]);
    expect(statements[2]).toMatch(/INSERT INTO comments/);
    expect(statements.slice(3)).toEqual([...live, 'COMMIT']);
    const stored = await server
      .repo<CommentRow>('Comment')
      .findOneByOrFail({ contentText: 'Held.' });
    expect(stored).toMatchObject({
      authorEmail: email,
      status: 'PENDING',
      contentHtml: '<p>Held.</p>',
    });
  });

  it('adds the thread counters and the change announcement for a comment approved because its author was approved before', async () => {
    await setDiscussionSettings(server.db, {
      minSecondsBetweenComments: 0,
      refuseDuplicates: false,
    });
    const email = `known${++emails}@example.net`;
    await server.db.write((em) =>
      em.query(
        `UPDATE comments SET author_email = ${kind === 'sqlite' ? '?' : '$1'} WHERE post_id = ${post.id}`,
        [email],
      ),
    );
    await submit({ authorEmail: email, content: 'Warming up.' });

    const { status, count } = await submit({ authorEmail: email, content: 'Approved at once.' });
    expect(status).toBe('APPROVED');
    // SQLite: the post, BEGIN, INSERT, thread counters, change_log row, COMMIT.
    // PostgreSQL: the post, BEGIN, INSERT, counter row created and locked (2), counters,
    // the live NOTIFYs (created, approved), the change NOTIFY, COMMIT.
    expect(count).toBe(kind === 'sqlite' ? 6 : 10);
  });

  it('adds one statement for the duplicate rule (and the per-sender lock on PostgreSQL)', async () => {
    await setDiscussionSettings(server.db, {
      minSecondsBetweenComments: 0,
      refuseDuplicates: true,
    });
    const email = `rules${++emails}@example.net`;
    await submit({ authorEmail: `warm${emails}@example.net`, content: 'Warming up.' });

    const { status, count } = await submit({ authorEmail: email, content: 'With the rules on.' });
    expect(status).toBe('PENDING');
    expect(count).toBe(kind === 'sqlite' ? 5 : 6 + live.length);
  });
});
