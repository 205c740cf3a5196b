import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseMailConfig } from '../../src/config.js';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import { SETTINGS } from '../../src/modules/linkbacks/messages.js';
import type { MailMessageRow, ReplySubscriptionRow } from '../../src/modules/mail/entities.js';
import { MailLinks } from '../../src/modules/mail/links.js';
import { MAIL_JOB } from '../../src/modules/mail/mail.service.js';
import { loadSigningSecret } from '../../src/web/signing.js';
import { apiToken, signedInUser, type SignedIn } from '../support/editorial.js';
import { setDiscussionSettings } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import { receivingLinkbacks, sendPingback, setSetting, sourcePage } from '../support/linkbacks.js';
import { addressesIn, smtpForBlock, type ReceivedMail } from '../support/mail.js';
import { databaseKinds, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const FROM_ADDRESS = 'notifications@blog.example.org';
const FROM = `Example Blog <${FROM_ADDRESS}>`;

const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) {
  comment { id } status errors { code } } }`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateComments(ids: $ids, status: $status) {
  comments { id status } errors { code } } }`;
const SETTINGS_MUTATION = `mutation($on: Boolean) { updateMyNotificationSettings(input: { notifyOnHeld: $on }) {
  viewer { notifyOnHeld } errors { code } } }`;

/** Every address in the message is its recipient's or the sender's: no one else's leaks. */
function expectPrivate(mail: ReceivedMail, recipient: string): void {
  expect(mail.envelopeTo).toEqual([recipient]);
  expect(addressesIn(mail).sort()).toEqual([FROM_ADDRESS, recipient].sort());
}

/** The path and query of a link the message carries (it points at PUBLIC_URL), on the test server. */
function linkIn(mail: ReceivedMail, path: string, server: TestServer): string {
  const found = new RegExp(`${TEST_PUBLIC_URL.replace(/\./g, '\\.')}${path}\\?t=[\\w.%-]+`).exec(
    mail.text,
  );
  if (!found) throw new Error(`no ${path} link in:\n${mail.text}`);
  const url = new URL(found[0]);
  return `${server.url}${url.pathname}${url.search}`;
}

describe.each(databaseKinds())('email notifications on %s', (kind) => {
  const block = smtpForBlock();
  const env = receivingLinkbacks(kind, {
    configure: (config) => {
      config.mail = parseMailConfig(
        { SMTP_URL: block.smtp.url, MAIL_FROM: FROM },
        config.publicUrl,
      );
      // A failed delivery is tried again soon.
      config.jobs.retryBaseMs = 50;
    },
  });
  let admin: SignedIn;
  let editor: SignedIn;
  let author: SignedIn;
  let otherAuthor: SignedIn;
  const ADMIN = `admin-${kind}@staff.example.com`;
  const EDITOR = `editor-${kind}@staff.example.com`;
  const AUTHOR = `author-${kind}@staff.example.com`;
  const OTHER_AUTHOR = `other-${kind}@staff.example.com`;
  let sent = 0;

  /** Waits until no mail is queued and the worker rests; returns the mails received since the last call. */
  async function settled(): Promise<ReceivedMail[]> {
    await eventually('the mail jobs to finish', async () => {
      const queued = await env.server.repo<MailMessageRow>('MailMessage').countBy({
        status: 'QUEUED',
      });
      const jobs = await env.server.repo<JobRow>('Job').count({
        where: [
          { kind: MAIL_JOB, status: 'queued' },
          { kind: MAIL_JOB, status: 'running' },
        ],
      });
      return queued === 0 && jobs === 0;
    });
    await env.server.app.jobWorker.whenIdle();
    const fresh = block.smtp.received.slice(sent);
    sent = block.smtp.received.length;
    return fresh;
  }

  const submit = async (input: Record<string, unknown>) => {
    const res = await env.server.gql<{
      submitComment: { comment: { id: string } | null; status: string; errors: unknown[] };
    }>(SUBMIT, { input });
    expect(res.data?.submitComment.errors, res.raw).toEqual([]);
    return {
      id: Number(res.data!.submitComment.comment!.id),
      status: res.data!.submitComment.status,
    };
  };

  beforeAll(async () => {
    admin = await signedInUser(env.server, ADMIN, 'ADMIN');
    editor = await signedInUser(env.server, EDITOR, 'EDITOR');
    author = await signedInUser(env.server, AUTHOR, 'AUTHOR');
    otherAuthor = await signedInUser(env.server, OTHER_AUTHOR, 'AUTHOR');
  });

  beforeEach(async () => {
    await setDiscussionSettings(env.server.db, { minSecondsBetweenComments: 0 });
    await settled();
  });

  it('shows each moderator their setting (on for ADMIN and EDITOR, off for AUTHOR) and lets them change it', async () => {
    const viewer = (token: string) =>
      env.server.gqlAs<{ viewer: { notifyOnHeld: boolean } }>(token, '{ viewer { notifyOnHeld } }');
    expect((await viewer(admin.token)).data!.viewer.notifyOnHeld).toBe(true);
    expect((await viewer(editor.token)).data!.viewer.notifyOnHeld).toBe(true);
    expect((await viewer(author.token)).data!.viewer.notifyOnHeld).toBe(false);

    const off = await env.server.gqlAs<{
      updateMyNotificationSettings: { viewer: { notifyOnHeld: boolean } };
    }>(editor.token, SETTINGS_MUTATION, { on: false });
    expect(off.data!.updateMyNotificationSettings.viewer.notifyOnHeld).toBe(false);
    const on = await env.server.gqlAs<{
      updateMyNotificationSettings: { viewer: { notifyOnHeld: boolean } };
    }>(author.token, SETTINGS_MUTATION, { on: true });
    expect(on.data!.updateMyNotificationSettings.viewer.notifyOnHeld).toBe(true);
    await env.server.gqlAs(otherAuthor.token, SETTINGS_MUTATION, { on: true });
    expect((await viewer(editor.token)).data!.viewer.notifyOnHeld).toBe(false);

    // Not with an API token (even one that may moderate), not anonymously: and nothing changes.
    const token = await apiToken(env.server, admin.userId, ['MODERATE']);
    const refused = await env.server.gqlAs(token, SETTINGS_MUTATION, { on: false });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await env.server.gql(SETTINGS_MUTATION, { on: false });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await viewer(admin.token)).data!.viewer.notifyOnHeld).toBe(true);
  });

  it('mails each moderator who wants it a held comment, with the queue link: an AUTHOR only on their own posts', async () => {
    await setDiscussionSettings(env.server.db, { moderationMode: 'HOLD_ALL' });
    const { post: sitePost } = await env.newPost({ title: 'The site author’s post' });
    const held = await submit({
      postId: String(sitePost.id),
      authorName: 'Held Hannah',
      authorEmail: 'hannah@readers.example.net',
      content: 'Please moderate me. Or write to hannah.private@elsewhere.example.org.',
    });
    expect(held.status).toBe('PENDING');
    let mails = await settled();
    // The editor turned it off; neither author owns the post.
    expect(mails.map((m) => m.envelopeTo[0])).toEqual([ADMIN]);
    const [mail] = mails;
    expect(mail!.headers.get('from')).toBe(FROM);
    expect(mail!.subject).toContain('The site author’s post');
    expect(mail!.text).toContain('Held Hannah');
    expect(mail!.text).toContain('Please moderate me.');
    // An address typed into the comment is not passed on.
    expect(mail!.text).toContain('Or write to [address hidden].');
    expect(mail!.text).toContain(`${TEST_PUBLIC_URL}/admin/comments?status=PENDING`);
    expectPrivate(mail!, ADMIN);

    const { post: ownPost } = await env.newPost({
      title: 'An author’s post',
      authorId: author.authorId,
    });
    await submit({
      postId: String(ownPost.id),
      authorName: 'Held Hannah',
      authorEmail: 'hannah@readers.example.net',
      content: 'On the author’s own post.',
    });
    mails = await settled();
    expect(mails.map((m) => m.envelopeTo[0]).sort()).toEqual([ADMIN, AUTHOR].sort());
    for (const m of mails) expectPrivate(m, m.envelopeTo[0]!);

    // Approved at once: nothing to moderate, nobody is mailed.
    await setDiscussionSettings(env.server.db, { moderationMode: 'PUBLISH' });
    await submit({
      postId: String(ownPost.id),
      authorName: 'Shown Sam',
      authorEmail: 'sam@readers.example.net',
      content: 'Shown at once.',
    });
    expect(await settled()).toEqual([]);
  });

  it('mails moderators a held linkback with the linkback queue link', async () => {
    await setSetting(env.server.db, SETTINGS.autoApprove, 'false');
    const { url } = await env.newPost({ title: 'Pinged post', authorId: otherAuthor.authorId });
    const source = env.servePage(sourcePage({ title: 'A linking post', targets: [url] }));
    expect(await sendPingback(env.server, source, url)).toMatchObject({ ok: true });
    const mails = await settled();
    expect(mails.map((m) => m.envelopeTo[0]).sort()).toEqual([ADMIN, OTHER_AUTHOR].sort());
    for (const m of mails) {
      expect(m.text).toContain(source);
      expect(m.text).toContain(`Moderate it: ${TEST_PUBLIC_URL}/admin/linkbacks?status=PENDING\n`);
      expectPrivate(m, m.envelopeTo[0]!);
    }
  });

  it('retries a delivery the SMTP server refused for now, and delivers it once', async () => {
    await setDiscussionSettings(env.server.db, { moderationMode: 'HOLD_ALL' });
    const { post } = await env.newPost({ title: 'Retried' });
    const refusedBefore = block.smtp.refused;
    block.smtp.failNext(1);
    const held = await submit({
      postId: String(post.id),
      authorName: 'Patient Pat',
      authorEmail: 'pat@readers.example.net',
      content: 'Second time lucky.',
    });
    const mails = await settled();
    expect(block.smtp.refused - refusedBefore).toBe(1);
    expect(mails.map((m) => m.envelopeTo[0])).toEqual([ADMIN]);
    const rows = await env.server
      .repo<MailMessageRow>('MailMessage')
      .findBy({ subjectId: held.id, kind: 'HELD_COMMENT' });
    expect(rows.map((r) => r.status)).toEqual(['SENT']);
    // The job that sends it again does nothing: the row says it is sent.
    await env.server.app.services.mail.send(rows[0]!.id);
    expect(await settled()).toEqual([]);
  });

  describe('notify me of replies', () => {
    const SUBSCRIBER = 'subscriber@readers.example.net';
    const REPLIER = 'replier@readers.example.net';
    let postId: number;
    let commentId: number;

    const reply = (content: string, authorEmail = REPLIER, parentId = commentId) =>
      submit({
        postId: String(postId),
        parentId: String(parentId),
        authorName: authorEmail === REPLIER ? 'Rita Replier' : 'Sue Subscriber',
        authorEmail,
        content,
      });
    const subscription = async () =>
      (await env.server.repo<ReplySubscriptionRow>('ReplySubscription').findOneBy({ commentId }))!;

    it('sends a confirmation once the comment is approved, and nothing before it is confirmed', async () => {
      await setDiscussionSettings(env.server.db, { moderationMode: 'PUBLISH' });
      const { post } = await env.newPost({ title: 'Subscribed post' });
      postId = post.id;
      commentId = (
        await submit({
          postId: String(postId),
          authorName: 'Sue Subscriber',
          authorEmail: SUBSCRIBER,
          content: 'Tell me of replies.',
          notifyOfReplies: true,
        })
      ).id;
      const mails = await settled();
      expect(mails.map((m) => m.envelopeTo[0])).toEqual([SUBSCRIBER]);
      expect(mails[0]!.text).toContain('Subscribed post');
      expect(mails[0]!.text).toMatch(/within 7 days/);
      expectPrivate(mails[0]!, SUBSCRIBER);
      expect((await subscription()).status).toBe('PENDING');

      await reply('A reply before confirming.');
      expect(await settled()).toEqual([]);
      confirmMail = mails[0]!;
    });

    let confirmMail: ReceivedMail;
    let replyMail: ReceivedMail;

    it('refuses a forged confirmation link with a 4xx and changes nothing', async () => {
      const link = linkIn(confirmMail, '/notifications/confirm', env.server);
      const forged = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      for (const method of ['GET', 'POST']) {
        const res = await fetch(forged, { method });
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('Nothing was changed');
      }
      const otherId = link.replace(/t=\d+/, `t=${(await subscription()).id + 1000}`);
      expect((await fetch(otherId, { method: 'POST' })).status).toBe(400);
      expect((await subscription()).status).toBe('PENDING');
    });

    it('refuses an expired confirmation link (410) and changes nothing', async () => {
      const services = env.server.app.services;
      const eightDaysAgo = new MailLinks(
        () => loadSigningSecret(env.server.db, services.settings),
        () => Date.now() - 8 * 86_400_000,
      );
      const token = await eightDaysAgo.confirmToken((await subscription()).id);
      const res = await fetch(
        `${env.server.url}/notifications/confirm?${new URLSearchParams({ t: token })}`,
        { method: 'POST' },
      );
      expect(res.status).toBe(410);
      expect((await subscription()).status).toBe('PENDING');
    });

    it('confirms through the link (a page with a button, then its POST)', async () => {
      const link = linkIn(confirmMail, '/notifications/confirm', env.server);
      const page = await fetch(link);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<form method="post"');
      // Opening the link (as a mail scanner would) confirms nothing.
      expect((await subscription()).status).toBe('PENDING');
      const action = /action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
      const res = await fetch(`${env.server.url}${action}`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Confirmed');
      expect((await subscription()).status).toBe('CONFIRMED');
    });

    it('mails an approved reply once, never the subscriber’s own, with one-click unsubscribe headers', async () => {
      await reply('A reply after confirming.');
      let mails = await settled();
      expect(mails.map((m) => m.envelopeTo[0])).toEqual([SUBSCRIBER]);
      replyMail = mails[0]!;
      expect(replyMail.text).toContain('Rita Replier');
      expect(replyMail.text).toContain('A reply after confirming.');
      expect(replyMail.text).toContain(`${TEST_PUBLIC_URL}/posts/`);
      const unsubscribe = /^<(https:\/\/[^>]+)>$/.exec(replyMail.headers.get('list-unsubscribe')!);
      expect(unsubscribe?.[1]).toContain(`${TEST_PUBLIC_URL}/notifications/unsubscribe?t=`);
      expect(replyMail.text).toContain(unsubscribe![1]);
      expect(replyMail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expectPrivate(replyMail, SUBSCRIBER);

      await reply('Answering under my own comment.', SUBSCRIBER);
      mails = await settled();
      expect(mails).toEqual([]);
    });

    it('mails a held reply only once a moderator approves it', async () => {
      await setDiscussionSettings(env.server.db, { moderationMode: 'HOLD_ALL' });
      const held = await reply('Held reply.');
      expect(held.status).toBe('PENDING');
      // The moderator hears of it; the subscriber does not.
      expect((await settled()).map((m) => m.envelopeTo[0])).toEqual([ADMIN]);

      await env.server.gqlAs(editor.token, MODERATE, {
        ids: [String(held.id)],
        status: 'APPROVED',
      });
      const mails = await settled();
      expect(mails.map((m) => m.envelopeTo[0])).toEqual([SUBSCRIBER]);
      expect(mails[0]!.text).toContain('Held reply.');
      // Moved away and approved again: not mailed a second time.
      await env.server.gqlAs(editor.token, MODERATE, { ids: [String(held.id)], status: 'SPAM' });
      await env.server.gqlAs(editor.token, MODERATE, {
        ids: [String(held.id)],
        status: 'APPROVED',
      });
      expect(await settled()).toEqual([]);
    });

    it('stops on a one-click POST without cookie or confirmation; a forged one changes nothing', async () => {
      const url = new URL(/^<([^>]+)>$/.exec(replyMail.headers.get('list-unsubscribe')!)![1]!);
      const target = `${env.server.url}${url.pathname}${url.search}`;
      const oneClick = (to: string) =>
        fetch(to, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });

      const forged = await oneClick(
        target.replace(/t=(\d+)/, (_, id: string) => `t=${Number(id) + 1}`),
      );
      expect(forged.status).toBe(400);
      expect((await subscription()).status).toBe('CONFIRMED');

      // GET only shows the button.
      const page = await fetch(target);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Unsubscribe</button>');
      expect((await subscription()).status).toBe('CONFIRMED');

      const res = await oneClick(target);
      expect(res.status).toBe(200);
      expect((await subscription()).status).toBe('UNSUBSCRIBED');
      // Again (the page's button after the client's one-click): the same answer.
      expect((await oneClick(target)).status).toBe(200);

      await setDiscussionSettings(env.server.db, { moderationMode: 'PUBLISH' });
      await reply('A reply after unsubscribing.');
      expect(await settled()).toEqual([]);
    });

    it("is in the subscriber's personal data, and erasing that ends it: no reply is mailed after", async () => {
      const ERASED = 'erased@readers.example.net';
      await setDiscussionSettings(env.server.db, { moderationMode: 'PUBLISH' });
      const { post } = await env.newPost({ title: 'Erased subscriber' });
      const parent = await submit({
        postId: String(post.id),
        authorName: 'Ed Erased',
        authorEmail: ERASED,
        content: 'Mail me, then forget me.',
        notifyOfReplies: true,
      });
      const [confirm] = await settled();
      const page = await (
        await fetch(linkIn(confirm!, '/notifications/confirm', env.server))
      ).text();
      const action = /action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
      expect((await fetch(`${env.server.url}${action}`, { method: 'POST' })).status).toBe(200);

      const exported = await env.server.gqlAs<{
        personalData: { parts: { name: string; count: number }[]; json: string };
      }>(
        admin.token,
        `query($e: String!) { personalData(email: $e) { parts { name count } json } }`,
        {
          e: ERASED,
        },
      );
      expect(exported.data!.personalData.parts).toEqual([
        { name: 'comments', count: 1 },
        { name: 'replySubscriptions', count: 1 },
      ]);
      expect(JSON.parse(exported.data!.personalData.json).replySubscriptions).toEqual([
        expect.objectContaining({ commentId: parent.id, postId: post.id, status: 'CONFIRMED' }),
      ]);

      const erased = await env.server.gqlAs<{ erasePersonalData: unknown }>(
        admin.token,
        `mutation($e: String!) { erasePersonalData(email: $e, mode: ANONYMISE) { erased { name count } errors { code } } }`,
        { e: ERASED },
      );
      expect(erased.data!.erasePersonalData).toEqual({
        erased: [
          { name: 'comments', count: 1 },
          { name: 'replySubscriptions', count: 1 },
        ],
        errors: [],
      });
      expect(
        await env.server
          .repo<ReplySubscriptionRow>('ReplySubscription')
          .countBy({ commentId: parent.id }),
      ).toBe(0);
      await submit({
        postId: String(post.id),
        parentId: String(parent.id),
        authorName: 'Rita Replier',
        authorEmail: REPLIER,
        content: 'A reply to an anonymised comment.',
      });
      expect(await settled()).toEqual([]);
    });
  });
});
