// A message queued by one process is sent by the next one, once: the row its
// job marks SENT is what a later run (a restart, a retry) reads first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailMessageRow } from '../../src/modules/mail/entities.js';
import { signedInUser } from '../support/editorial.js';
import { insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import { startSmtp, type TestSmtp } from '../support/mail.js';
import { databaseKinds, freshDatabase, startServer, type TestServer } from '../support/server.js';

const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
  status errors { code } } }`;

describe.each(databaseKinds())('mail across restarts on %s', (kind) => {
  let smtp: TestSmtp;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let server: TestServer | undefined;

  beforeAll(async () => {
    smtp = await startSmtp();
    database = await freshDatabase(kind);
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    await database?.drop();
  });

  const start = (worker: boolean) =>
    startServer(kind, {
      database: database.db,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'blog@blog.example.org' },
      configure: (config) => {
        config.jobs.worker = worker;
      },
    });
  const rows = () => server!.repo<MailMessageRow>('MailMessage').find({ order: { id: 'ASC' } });

  it('sends what a stopped process queued once the next one starts, and never again after that', async () => {
    // A process without a worker queues the message and stops before anything is sent.
    server = await start(false);
    await signedInUser(server, `admin-${kind}@staff.example.com`, 'ADMIN');
    await setDiscussionSettings(server.db, {
      moderationMode: 'HOLD_ALL',
      minSecondsBetweenComments: 0,
    });
    const post = await insertPost(server.db, { slug: 'restarts' });
    const res = await server.gql<{ submitComment: { status: string } }>(SUBMIT, {
      input: {
        postId: String(post.id),
        authorName: 'Held Hannah',
        authorEmail: 'hannah@readers.example.net',
        content: 'Queued before the restart.',
      },
    });
    expect(res.data!.submitComment.status).toBe('PENDING');
    expect((await rows()).map((r) => r.status)).toEqual(['QUEUED']);
    await server.close();
    server = undefined;
    expect(smtp.received).toHaveLength(0);

    server = await start(true);
    await eventually('the queued mail', async () => (await rows())[0]?.status === 'SENT');
    await server.app.jobWorker.whenIdle();
    expect(smtp.received.map((m) => m.envelopeTo)).toEqual([[`admin-${kind}@staff.example.com`]]);
    await server.close();
    server = undefined;

    // Started again: its worker finds nothing to send.
    server = await start(true);
    await server.app.jobWorker.whenIdle();
    expect((await rows()).map((r) => r.status)).toEqual(['SENT']);
    expect(smtp.received).toHaveLength(1);
  });
});
