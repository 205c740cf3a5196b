import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../lib/html.js';
import type { LinkCheck, MailLinks } from './links.js';
import { LINK_PATHS, type MailService } from './mail.service.js';
import { pages } from './messages.js';

type Page = { title: string; text: string; button?: string };

/** A small page of its own (no app, no script): what a link from an email opens. */
function page(reply: FastifyReply, status: number, content: Page, action?: string): FastifyReply {
  const form =
    action && content.button
      ? `<form method="post" action="${escapeHtml(action)}"><button type="submit">${escapeHtml(content.button)}</button></form>`
      : '';
  return (
    reply
      .code(status)
      .header('cache-control', 'no-store')
      // The token is in the URL: no Referer carries it to another site.
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex')
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(content.title)}</title></head>` +
          `<body><main><h1>${escapeHtml(content.title)}</h1><p>${escapeHtml(content.text)}</p>${form}</main></body></html>\n`,
      )
  );
}

const tokenOf = (request: FastifyRequest): string => {
  const t = (request.query as Record<string, unknown>).t;
  return typeof t === 'string' ? t : '';
};

/** 400 for a link we did not sign (or cut short), 410 for one that expired: nothing changes. */
function refusal(reply: FastifyReply, check: Exclude<LinkCheck, { ok: true }>): FastifyReply {
  return check.why === 'expired' ? page(reply, 410, pages.expired) : page(reply, 400, pages.forged);
}

/**
 * The signed links of reply notifications. GET shows a page with a button
 * (a link scanner that fetches every URL of a message confirms or ends
 * nothing); POST does it. The unsubscribe POST is RFC 8058's one-click: it
 * needs the signed URL only, no cookie, no form field.
 */
export async function registerMailRoutes(
  app: FastifyInstance,
  deps: { mail: MailService; links: MailLinks },
): Promise<void> {
  const { mail, links } = deps;
  const here = (request: FastifyRequest, path: string) =>
    `${path}?${new URLSearchParams({ t: tokenOf(request) })}`;

  await app.register(async (scope) => {
    // Mail clients post `List-Unsubscribe=One-Click` form-encoded; the page's button posts an empty form.
    await scope.register(formbody, { bodyLimit: 1024 });

    scope.get(LINK_PATHS.confirm, async (request, reply) => {
      const check = await links.checkConfirm(tokenOf(request));
      if (!check.ok) return refusal(reply, check);
      const sub = await mail.subscription(check.subscriptionId);
      if (!sub || sub.status === 'UNSUBSCRIBED') return page(reply, 404, pages.gone);
      if (sub.status === 'CONFIRMED') return page(reply, 200, pages.confirmed);
      return page(reply, 200, pages.confirmAsk, here(request, LINK_PATHS.confirm));
    });
    scope.post(LINK_PATHS.confirm, async (request, reply) => {
      const check = await links.checkConfirm(tokenOf(request));
      if (!check.ok) return refusal(reply, check);
      if (await mail.confirm(check.subscriptionId)) return page(reply, 200, pages.confirmed);
      const sub = await mail.subscription(check.subscriptionId);
      return sub?.status === 'CONFIRMED'
        ? page(reply, 200, pages.confirmed)
        : page(reply, 404, pages.gone);
    });

    scope.get(LINK_PATHS.unsubscribe, async (request, reply) => {
      const check = await links.checkUnsubscribe(tokenOf(request));
      if (!check.ok) return refusal(reply, check);
      const sub = await mail.subscription(check.subscriptionId);
      if (!sub) return page(reply, 404, pages.gone);
      if (sub.status === 'UNSUBSCRIBED') return page(reply, 200, pages.unsubscribed);
      return page(reply, 200, pages.unsubscribeAsk, here(request, LINK_PATHS.unsubscribe));
    });
    scope.post(LINK_PATHS.unsubscribe, async (request, reply) => {
      const check = await links.checkUnsubscribe(tokenOf(request));
      if (!check.ok) return refusal(reply, check);
      return (await mail.unsubscribe(check.subscriptionId))
        ? page(reply, 200, pages.unsubscribed)
        : page(reply, 404, pages.gone);
    });
  });
}
