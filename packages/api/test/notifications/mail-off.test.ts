import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import type { ReplySubscriptionRow } from '../../src/modules/mail/entities.js';
import { signedInUser } from '../support/editorial.js';
import { insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { commentForm, formValues, getPage } from '../support/html.js';
import { capturedLog, databaseKinds, startServer, type TestServer } from '../support/server.js';

const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
  comment { id } status errors { code } } }`;

describe('mail configuration', () => {
  it('is off without SMTP_URL, and MAIL_FROM defaults to an address at PUBLIC_URL’s host', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://blog.example.org' });
    expect(config.mail).toEqual({
      smtpUrl: null,
      from: 'Colloquy <no-reply@blog.example.org>',
    });
  });

  it('stops start-up with one clear line for a bad SMTP_URL or MAIL_FROM, never repeating the password', () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    const url = bad({ SMTP_URL: 'http://mailer:s3cret-pw@mail.example.org' });
    expect(url).toMatch(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(url).not.toContain('s3cret-pw');
    expect(bad({ SMTP_URL: 'smtp://mail.example.org', MAIL_FROM: 'not an address' })).toMatch(
      /^MAIL_FROM must be one email address/,
    );
    expect(
      bad({ SMTP_URL: 'smtp://mail.example.org', MAIL_FROM: 'a@b.org\r\nBcc: c@d.org' }),
    ).toMatch(/^MAIL_FROM must be one email address/);
    expect(
      loadConfig({
        SMTP_URL: 'smtps://u:p@mail.example.org:465',
        MAIL_FROM: 'Blog <blog@example.org>',
      }).mail,
    ).toEqual({ smtpUrl: 'smtps://u:p@mail.example.org:465', from: 'Blog <blog@example.org>' });
  });
});

describe.each(databaseKinds())('email off on %s', (kind) => {
  let server: TestServer;
  const log = capturedLog();

  beforeAll(async () => {
    server = await startServer(kind, { logStream: log.stream });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('says so once at start-up, queues no mail and keeps no subscription', async () => {
    const lines = log
      .text()
      .split('\n')
      .filter((l) => l.includes('email notifications'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('email notifications off: SMTP_URL is not set');

    await signedInUser(server, `admin-${kind}@staff.example.com`, 'ADMIN');
    await setDiscussionSettings(server.db, { moderationMode: 'HOLD_ALL' });
    const post = await insertPost(server.db, { slug: 'quiet' });
    // The reader's form does not offer what would never come.
    const form = commentForm(await getPage(server.url, '/posts/quiet'));
    expect(Object.keys(formValues(form))).toContain('authorEmail');
    expect(Object.keys(formValues(form))).not.toContain('notifyOfReplies');
    const res = await server.gql<{ submitComment: { status: string; errors: unknown[] } }>(SUBMIT, {
      input: {
        postId: String(post.id),
        authorName: 'Held Hannah',
        authorEmail: 'hannah@readers.example.net',
        content: 'Held, and nobody is mailed.',
        notifyOfReplies: true,
      },
    });
    expect(res.data!.submitComment).toMatchObject({ status: 'PENDING', errors: [] });
    expect(await server.repo<JobRow>('Job').countBy({ kind: 'mail.send' })).toBe(0);
    expect(await server.repo<ReplySubscriptionRow>('ReplySubscription').count()).toBe(0);

    const site = await server.gql<{ site: { replyNotifications: boolean } }>(
      '{ site { replyNotifications } }',
    );
    expect(site.data!.site.replyNotifications).toBe(false);
  });
});
