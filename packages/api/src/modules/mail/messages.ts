import { truncateText } from '../../lib/html.js';

/** The mail module's texts: the messages, the pages of its links, its errors. */

/** The admin routes the messages link to (the admin app's moderation queues). */
export const ADMIN_ROUTES = {
  heldComments: '/admin/comments?status=PENDING',
  heldLinkbacks: '/admin/linkbacks?status=PENDING',
};

/**
 * What visitors wrote, as a message quotes it: an email address typed into a
 * comment (its own, someone else's) is not passed on, so no message carries
 * an address but its recipient's and the sender's.
 */
export const hideAddresses = (text: string) =>
  text.replace(/[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g, '[address hidden]');

/** Visitor-supplied text in a subject: one line, not too long. */
export const oneLine = (text: string, max = 80) =>
  truncateText(text.replace(/\s+/g, ' ').trim(), max);

/** The end of a held-item mail: where to act, and why it came. */
const heldFooter = (queueUrl: string, postUrl: string) => [
  '',
  `Moderate it: ${queueUrl}`,
  `The post: ${postUrl}`,
  '',
  '-- ',
  'You get this email because you moderate this site and have notifications of held items on. ' +
    'Turn them off in your notification settings (updateMyNotificationSettings).',
  '',
];

export const mails = {
  heldComment: (p: {
    site: string;
    postTitle: string;
    postUrl: string;
    authorName: string;
    content: string;
    queueUrl: string;
  }) => ({
    subject: `[${oneLine(p.site)}] A comment awaits moderation on “${oneLine(p.postTitle)}”`,
    text: [
      `A comment on “${p.postTitle}” is held for moderation.`,
      '',
      `From: ${p.authorName}`,
      '',
      truncateText(p.content, 2000),
      ...heldFooter(p.queueUrl, p.postUrl),
    ].join('\n'),
  }),
  heldLinkback: (p: {
    site: string;
    postTitle: string;
    postUrl: string;
    kind: string;
    sourceUrl: string;
    title: string | null;
    excerpt: string | null;
    queueUrl: string;
  }) => ({
    subject: `[${oneLine(p.site)}] A ${p.kind.toLowerCase()} awaits moderation on “${oneLine(p.postTitle)}”`,
    text: [
      `A ${p.kind.toLowerCase()} to “${p.postTitle}” is held for moderation.`,
      '',
      `From: ${p.sourceUrl}`,
      ...(p.title ? [`Title: ${p.title}`] : []),
      ...(p.excerpt ? ['', truncateText(p.excerpt, 1000)] : []),
      ...heldFooter(p.queueUrl, p.postUrl),
    ].join('\n'),
  }),
  confirmReplies: (p: { site: string; postTitle: string; confirmUrl: string; days: number }) => ({
    subject: `[${oneLine(p.site)}] Confirm: email me replies to my comment`,
    text: [
      `You asked to be emailed when someone replies to your comment on “${p.postTitle}”.`,
      '',
      `To confirm, open this link within ${p.days} days and press the button:`,
      p.confirmUrl,
      '',
      'If you did not ask for this, ignore this message: nothing more will be sent.',
      '',
    ].join('\n'),
  }),
  reply: (p: {
    site: string;
    postTitle: string;
    replyUrl: string;
    authorName: string;
    content: string;
    unsubscribeUrl: string;
  }) => ({
    subject: `[${oneLine(p.site)}] ${oneLine(p.authorName, 60)} replied to your comment on “${oneLine(p.postTitle)}”`,
    text: [
      `${p.authorName} replied to your comment on “${p.postTitle}”:`,
      '',
      truncateText(p.content, 2000),
      '',
      `Read it and reply: ${p.replyUrl}`,
      '',
      '-- ',
      'You get this email because you asked to be told of replies to your comment.',
      `Stop these emails: ${p.unsubscribeUrl}`,
      '',
    ].join('\n'),
  }),
};

export const pages = {
  confirmAsk: {
    title: 'Confirm reply notifications',
    text: 'Press the button to be emailed when someone replies to your comment.',
    button: 'Email me replies',
  },
  confirmed: {
    title: 'Confirmed',
    text: 'You will get an email when a reply to your comment is published.',
  },
  unsubscribeAsk: {
    title: 'Stop reply notifications',
    text: 'Press the button to stop emails about replies to your comment.',
    button: 'Unsubscribe',
  },
  unsubscribed: {
    title: 'Unsubscribed',
    text: 'You will get no more emails about replies to this comment.',
  },
  forged: {
    title: 'Link not valid',
    text: 'This link is not valid: it may have been cut short or changed. Nothing was changed.',
  },
  expired: {
    title: 'Link expired',
    text: 'This confirmation link has expired. Nothing was changed: ask for notifications again with your next comment.',
  },
  gone: {
    title: 'Nothing to change',
    text: 'This subscription does not exist any more. Nothing was changed.',
  },
};

export const messages = {
  sessionRequired: 'Notification settings are changed by a signed-in user, not with an API token.',
};
