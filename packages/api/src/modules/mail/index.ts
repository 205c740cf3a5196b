import type { CommentHooks } from '../comments/pipeline.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { defineModule, type ModuleDeps } from '../module.js';
import type { PostsService } from '../posts/posts.service.js';
import type { SiteService } from '../site/site.service.js';
import { loadSigningSecret } from '../../web/signing.js';
import { mailEntities } from './entities.js';
import { MailLinks } from './links.js';
import { mailTypeDefs } from './mail.graphql.js';
import { mailResolvers } from './mail.resolvers.js';
import { registerMailRoutes } from './mail.routes.js';
import { MAIL_JOB, MailService } from './mail.service.js';
import { Mailer } from './mailer.js';
import { MailPersonalData } from './personal-data.js';
import { Mail1795479520000 } from './migrations/1795479520000-mail.js';

/**
 * Email notifications over SMTP (SMTP_URL, MAIL_FROM): held comments and
 * linkbacks to their moderators, and "notify me of replies" to commenters,
 * double opt-in. See docs/notifications.md.
 */
export const mailModule = defineModule({
  name: 'mail',
  typeDefs: [mailTypeDefs],
  resolvers: [mailResolvers],
  entities: mailEntities,
  privateTables: ['mail_preferences', 'reply_subscriptions', 'mail_messages'],
  migrations: [Mail1795479520000],
  services: (
    deps: ModuleDeps<{
      jobs: JobQueue;
      posts: PostsService;
      site: SiteService;
      commentHooks: CommentHooks;
    }>,
  ) => {
    const { db, config, settings, jobs, posts, site, commentHooks } = deps;
    let secret: Promise<Buffer> | undefined;
    // The site's signing secret, read (or made) on first use: services are built before the app starts.
    const links = new MailLinks(() => (secret ??= loadSigningSecret(db, settings)));
    const mailer = new Mailer(config.mail);
    const mail = new MailService({ db, config, jobs, posts, site, mailer, links });
    commentHooks.onStored ??= (em, row, input) => mail.commentStored(em, row, input);
    return { mail, mailer, mailLinks: links };
  },
  subscribers: ({ mail }) => mail.subscribers(),
  personalData: ({ db }) => ({ replySubscriptions: new MailPersonalData({ db }) }),
  routes: async (app, { config, mail, mailer, mailLinks }) => {
    const url = config.mail.smtpUrl ? new URL(config.mail.smtpUrl) : null;
    const smtp = url && `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`;
    // Said once at start-up; the host only (SMTP_URL may carry a password).
    app.log.info(
      smtp
        ? `email notifications on: SMTP server ${smtp}`
        : 'email notifications off: SMTP_URL is not set',
    );
    app.addHook('onClose', async () => mailer.close());
    await registerMailRoutes(app, { mail, links: mailLinks });
  },
  jobs: ({ mail }) => ({
    [MAIL_JOB]: (payload) => mail.send((payload as { messageId: number }).messageId),
  }),
});
