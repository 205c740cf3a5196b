// "Notify me of replies" on the reader's page: the server-rendered form
// offers the checkbox when the site sends email, and the form post without
// JavaScript subscribes as the mutation does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import type { ReplySubscriptionRow } from '../../src/modules/mail/entities.js';
import { insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import { commentForm, formField, formValues, getPage } from '../support/html.js';
import { addressesIn, startSmtp, type TestSmtp } from '../support/mail.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

describe.each(databaseKinds())('the comment form with email on, on %s', (kind) => {
  let smtp: TestSmtp;
  let server: TestServer;
  let counter = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, {
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Blog <blog@blog.example.org>' },
    });
    await setDiscussionSettings(server.db, {
      minSecondsBetweenComments: 0,
      moderationMode: 'PUBLISH',
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  /** Posts the page's own form, as a browser without JavaScript does, ticking the box or not. */
  async function sendForm(slug: string, email: string, notify: boolean) {
    const values = formValues(commentForm(await getPage(server.url, `/posts/${slug}`)));
    const body = new URLSearchParams({
      form_token: values.form_token!,
      content: 'Sent without JavaScript.',
      authorName: 'Nora Script',
      authorEmail: email,
      authorUrl: '',
      homepage: '',
      // An unticked checkbox is not sent at all.
      ...(notify ? { notifyOfReplies: values.notifyOfReplies! } : {}),
    });
    const res = await fetch(`${server.url}/posts/${slug}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    expect(res.status).toBe(303);
    return Number(/#comment-(\d+)$/.exec(res.headers.get('location') ?? '')![1]);
  }

  it('offers the checkbox, and a ticked one posted without JavaScript subscribes (confirmation mailed)', async () => {
    const post = await insertPost(server.db, { slug: `notify-${kind}-${++counter}` });
    const form = commentForm(await getPage(server.url, `/posts/${post.slug}`));
    const box = formField(form, 'notifyOfReplies');
    expect(box.control?.attribs.type).toBe('checkbox');
    expect(box.label).toContain('Notify me of replies');

    const email = `nora-${kind}@readers.example.net`;
    const ticked = await sendForm(post.slug, email, true);
    const unticked = await sendForm(post.slug, `other-${kind}@readers.example.net`, false);
    const subs = await server.repo<ReplySubscriptionRow>('ReplySubscription').find();
    expect(subs.map((s) => [s.commentId, s.status])).toEqual([[ticked, 'PENDING']]);
    expect(await server.repo<CommentRow>('Comment').existsBy({ id: unticked })).toBe(true);

    await eventually('the confirmation mail', () => smtp.received.length > 0);
    await server.app.jobWorker.whenIdle();
    expect(smtp.received.map((m) => m.envelopeTo)).toEqual([[email]]);
    expect(smtp.received[0]!.text).toContain('/notifications/confirm?t=');
    expect(addressesIn(smtp.received[0]!).sort()).toEqual(['blog@blog.example.org', email]);
  });
});
