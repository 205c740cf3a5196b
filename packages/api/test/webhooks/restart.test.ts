import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import { DELIVER_JOB } from '../../src/modules/webhooks/webhooks.service.js';
import { signedInUser } from '../support/editorial.js';
import { insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { LOOPBACK_ENV } from '../support/linkbacks.js';
import { databaseKinds, freshDatabase, startServer } from '../support/server.js';
import {
  createEndpoint,
  requestsAt,
  startReceiver,
  verify,
  type Receiver,
} from '../support/webhooks.js';

const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { comment { id } status errors { code } } }`;

describe.each(databaseKinds())('webhooks across a restart on %s', (kind) => {
  let receiver: Receiver;
  let database: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    database = await freshDatabase(kind);
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  it('delivers, from the next server on the same database, a message queued when the last one stopped', async () => {
    // The first server runs no job worker: what the event queued is still waiting when it stops.
    const first = await startServer(kind, {
      database: database.db,
      env: LOOPBACK_ENV,
      configure: (c) => (c.jobs.worker = false),
    });
    const admin = await signedInUser(first, `restart-${kind}@example.com`, 'ADMIN');
    const { secret } = await createEndpoint(first, admin.token, {
      url: `${receiver.origin}/after-restart`,
      events: ['COMMENT_CREATED'],
    });
    await setDiscussionSettings(first.db, { moderationMode: 'HOLD_ALL' });
    const post = await insertPost(first.db, { slug: 'restarted' });
    const res = await first.gql<{ submitComment: { comment: { id: string } } }>(SUBMIT, {
      input: {
        postId: String(post.id),
        authorName: 'Patient Reader',
        authorEmail: 'patient@example.net',
        content: 'Delivered after the restart.',
      },
    });
    const commentId = res.data!.submitComment.comment.id;
    expect(await first.repo<JobRow>('Job').countBy({ kind: DELIVER_JOB, status: 'queued' })).toBe(
      1,
    );
    await first.close();
    expect(receiver.received).toEqual([]);

    const second = await startServer(kind, {
      database: database.db,
      env: LOOPBACK_ENV,
      seed: false,
    });
    try {
      const [request] = await requestsAt(receiver, '/after-restart', 1);
      expect(verify(secret, request!)).toMatchObject({
        type: 'comment.created',
        data: { comment: { id: commentId, authorName: 'Patient Reader', status: 'PENDING' } },
      });
    } finally {
      await second.close();
    }
  });
});
