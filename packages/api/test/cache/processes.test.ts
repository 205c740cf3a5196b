import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, openDatabase } from '../../src/db/data-source.js';
import { tables } from '../../src/modules/index.js';
import { createUser, setDiscussionSettings, TEST_PASSWORD } from '../support/fixtures.js';
import { prepareDatabase, spawnServer, type ServerProcess } from '../support/process.js';
import { databaseKinds, freshDatabase } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const webGraphql = path.resolve(import.meta.dirname, '../../../web/src/graphql');
const POST_PAGE = ['posts.graphql', 'comments.graphql']
  .map((f) => fs.readFileSync(path.join(webGraphql, f), 'utf8'))
  .join('\n');
const SUBMIT = `mutation($input: SubmitCommentInput!) {
  submitComment(input: $input) { status comment { id } errors { code } } }`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateComments(ids: $ids, status: $status) { errors { code } } }`;

async function gql(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ text: string; cache: string | null; data: Record<string, unknown> }> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      query,
      variables,
      operationName: query === POST_PAGE ? 'PostPage' : undefined,
    }),
  });
  const text = await res.text();
  return { text, cache: res.headers.get('x-cache'), data: JSON.parse(text).data };
}

/**
 * Several API processes on one database, each with its own response cache:
 * a write through one is seen through every other on the very next request
 * (PostgreSQL: NOTIFY, heard before the write is answered), or within the
 * change log's watch on SQLite.
 */
describe.each(databaseKinds())('response caches of several processes on %s', (kind) => {
  let servers: ServerProcess[] = [];
  let token: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshDatabase(kind);
    drop = fresh.drop;
    await prepareDatabase(fresh.db);
    const db = await openDatabase(createDatabase(fresh.db, { tables }));
    try {
      await createUser(db, { email: 'editor@example.com', role: 'EDITOR' });
      await setDiscussionSettings(db, { minSecondsBetweenComments: 0, refuseDuplicates: false });
    } finally {
      await db.close();
    }
    const count = kind === 'postgres' ? 3 : 2;
    servers = await Promise.all(
      Array.from({ length: count }, () =>
        spawnServer(fresh.db, { env: { JOB_WORKER: '0' }, timeoutMs: 90_000 }),
      ),
    );
    const signIn = await gql(
      servers[0]!.url,
      'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }',
      { e: 'editor@example.com', p: TEST_PASSWORD },
    );
    token = (signIn.data.signIn as { token: string }).token;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await drop?.();
  });

  const commentCount = (answer: { data: Record<string, unknown> }) =>
    (answer.data.post as { commentCount: number }).commentCount;

  it('shows a write made through one process through every other, every time', async () => {
    const [writer, ...readers] = servers as [ServerProcess, ...ServerProcess[]];
    for (let round = 0; round < 8; round++) {
      // Every reader holds the page in its cache before the write.
      const before = await Promise.all(
        readers.map(async (r) => {
          // (On SQLite the previous round's changes may still be arriving: warm until kept.)
          let warm = await gql(r.url, POST_PAGE, { slug: SLUG });
          for (let tries = 0; tries < 50 && warm.cache !== 'hit'; tries++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            warm = await gql(r.url, POST_PAGE, { slug: SLUG });
          }
          expect(warm.cache).toBe('hit');
          return commentCount(warm);
        }),
      );
      const content = `Round ${round}, written through one process.`;
      const sent = await gql(writer.url, SUBMIT, {
        input: { postId: '1', authorName: 'Reader', authorEmail: 'r@example.org', content },
      });
      const id = (sent.data.submitComment as { comment: { id: string } }).comment.id;
      const approved = await gql(
        writer.url,
        MODERATE,
        { ids: [id], status: 'APPROVED' },
        {
          authorization: `Bearer ${token}`,
        },
      );
      expect(approved.text).toContain('"errors":[]');

      for (const [i, reader] of readers.entries()) {
        let after = await gql(reader.url, POST_PAGE, { slug: SLUG });
        if (kind === 'sqlite') {
          // The other process reads the change log when its watch fires: bounded wait.
          for (let tries = 0; tries < 100 && !after.text.includes(content); tries++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            after = await gql(reader.url, POST_PAGE, { slug: SLUG });
          }
        }
        expect(after.text).toContain(content);
        expect(commentCount(after)).toBe(before[i]! + 1);
      }
    }
  }, 120_000);
});
