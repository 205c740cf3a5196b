import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, TEST_PASSWORD } from '../support/fixtures.js';
import { preparedDatabase, spawnServer, type ServerProcess } from '../support/process.js';
import { COMMENT_ADDED, QUEUE_CHANGED, liveClient, record } from '../support/live.js';
import { databaseKinds } from '../support/server.js';

const SUBMIT = `mutation($input: SubmitCommentInput!) {
  submitComment(input: $input) { status comment { id } errors { code } } }`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateComments(ids: $ids, status: $status) { errors { code } } }`;

async function gql<T>(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * Live updates across processes: PostgreSQL carries the notification sent
 * in the unit of work (LISTEN/NOTIFY) to every process, so a comment
 * approved through one reaches the subscribers of another. (SQLite's are
 * in-process only: live updates there need a single process, docs/live.md.)
 */
describe.skipIf(!databaseKinds().includes('postgres'))(
  'live updates across two processes on postgres',
  () => {
    let a: ServerProcess;
    let b: ServerProcess;
    let drop: () => Promise<void>;
    let token: string;

    beforeAll(async () => {
      const fresh = await preparedDatabase('postgres', (db) =>
        createUser(db, { email: 'two@example.org', role: 'EDITOR' }),
      );
      drop = fresh.drop;
      [a, b] = await Promise.all([spawnServer(fresh.db), spawnServer(fresh.db)]);
      const signIn = await gql<{ signIn: { token: string } }>(
        a.url,
        'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }',
        { e: 'two@example.org', p: TEST_PASSWORD },
      );
      token = signIn.signIn.token;
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await drop?.();
    });

    it('tells subscribers on one process of a comment held and approved through the other', async () => {
      const reader = liveClient(b.url);
      const moderator = liveClient(b.url, `Bearer ${token}`);
      const comments = record<{ id: string; content: string }>(reader, COMMENT_ADDED, {
        postId: '1',
      });
      const queue = record<{ id: string; status: string }>(moderator, QUEUE_CHANGED);
      // Both subscriptions are confirmed once a first change is heard: send
      // held comments until the queue hears one (bounded).
      for (let i = 0; i < 50 && queue.items.length === 0; i++) {
        const submitted = await gql<{ submitComment: { comment: { id: string } } }>(a.url, SUBMIT, {
          input: {
            postId: '1',
            authorName: 'Across',
            authorEmail: `across-${i}@example.net`,
            content: `Held through process A, number ${i}.`,
          },
        });
        expect(submitted.submitComment.comment.id).toMatch(/^\d+$/);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [held] = await queue.count(1);
      expect(held).toMatchObject({ status: 'PENDING' });
      expect(comments.items).toEqual([]);

      await gql(a.url, MODERATE, { ids: [held!.id], status: 'APPROVED' }, token);
      const [approved] = await comments.count(1);
      expect(approved).toMatchObject({
        id: held!.id,
        content: expect.stringContaining('Held through process A'),
      });
      await Promise.all([reader.dispose(), moderator.dispose()]);
    });

    it('closes its sockets with 1001 on SIGTERM and exits cleanly', async () => {
      const reader = liveClient(b.url);
      record(reader, COMMENT_ADDED, { postId: '1' });
      await reader.connected;
      b.signal('SIGTERM');
      expect((await reader.closed).code).toBe(1001);
      expect((await b.exited).code).toBe(0);
      expect(b.output()).toContain('shut down cleanly');
    });
  },
);
