import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import type { WebhookAttemptRow, WebhookDeliveryRow } from '../../src/modules/webhooks/entities.js';
import { DELIVER_JOB } from '../../src/modules/webhooks/webhooks.service.js';
import { signedInUser } from '../support/editorial.js';
import { insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
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

  it('refuses, at delivery, an address the guard forbids: a server that may not reach loopback sends nothing there', async () => {
    // Created where loopback is allowed (as the tests' receivers need), delivered where it is not.
    const first = await startServer(kind, {
      database: database.db,
      env: LOOPBACK_ENV,
      configure: (c) => (c.jobs.worker = false),
      seed: false,
    });
    const admin = await signedInUser(first, `guarded-${kind}@example.com`, 'ADMIN');
    await createEndpoint(first, admin.token, {
      url: `${receiver.origin}/guarded`,
      events: ['POST_PUBLISHED'],
    });
    const created = await first.gqlAs<{ createPost: { post: { id: string } } }>(
      admin.token,
      `mutation { createPost(input: { title: "Guarded", content: "<p>x</p>" }) { post { id } } }`,
    );
    await first.gqlAs(admin.token, `mutation($id: ID!) { publishPost(id: $id) { post { id } } }`, {
      id: created.data!.createPost.post.id,
    });
    await first.close();

    const second = await startServer(kind, { database: database.db, seed: false });
    try {
      const delivery = () =>
        second
          .repo<WebhookDeliveryRow>('WebhookDelivery')
          .findOneBy({ eventType: 'post.published' });
      await eventually('the delivery to fail', async () => (await delivery())?.status === 'FAILED');
      const attempts = await second
        .repo<WebhookAttemptRow>('WebhookAttempt')
        .findBy({ deliveryId: (await delivery())!.id });
      expect(attempts.map((a) => [a.attempt, a.responseStatus])).toEqual([[1, null]]);
      expect(attempts[0]!.error).toMatch(/^FORBIDDEN_ADDRESS: refused to connect to 127\.0\.0\.1/);
      expect(receiver.at('/guarded')).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
