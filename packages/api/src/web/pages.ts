import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpCache } from '../cache/http-cache.js';
import type { Config } from '../config.js';
import { alternateLinks, feedPaths } from '../modules/feeds/discovery.js';
import type { Loaders, Services } from '../modules/index.js';
import type { PostRow } from '../modules/posts/entities.js';
import type { Site } from '../modules/site/site.service.js';
import type { UserError } from '../lib/user-errors.js';
import {
  crossSiteRefusal,
  formHoldsNul,
  PENDING_COOKIE,
  readCommentForm,
  submissionOf,
} from './comment-form.js';
import { EMPTY_PAGE_STATE, ownCommentView, type PageState } from './page-state.js';
import { webPaths, type ExecuteOperation, type PageRenderer } from './renderer.js';
import { renderShell, type PageMeta } from './shell.js';
import { PENDING_COOKIE_SECONDS, type FormSigner } from './signing.js';

export interface ReaderPagesDeps {
  config: Config;
  services: Services;
  /** Null when the web app has not been built: pages answer 503 and say so. */
  renderer: PageRenderer | null;
  signer: FormSigner;
  /**
   * One page request's data: its GraphQL operations, run in-process as an
   * anonymous reader, and the loaders they share with the route (the post
   * and the site settings are read once per page).
   */
  pageData: (request: FastifyRequest) => { execute: ExecuteOperation; loaders: Loaders };
  /** Serve dist/client as static files (production; in development Vite serves the sources). */
  serveBuiltAssets: boolean;
  /** The response cache and HTTP caching headers. */
  http: HttpCache;
}

/**
 * How long a kept page may be served: it carries a comment form token made
 * for its hour (good for 48 hours, see signing.ts), so it is rendered again
 * at least every hour.
 */
const PAGE_MAX_AGE_MS = 3600_000;

/**
 * The key of a page that may be answered from the cache: any GET of it by a
 * visitor without a pending-comment cookie (with one, the page may show
 * their own comments awaiting moderation: theirs alone).
 */
function pageKey(req: FastifyRequest): string | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  if ((req.headers.cookie ?? '').includes(`${PENDING_COOKIE}=`)) return null;
  return `page ${req.url}`;
}

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

/** Largest comment form post read, in bytes (the longest comment allowed is far smaller). */
const FORM_BODY_LIMIT = 256 * 1024;

/**
 * The reader's pages, rendered on the server with the same Vue app the
 * browser hydrates (packages/web/src/entry-server.ts): `/`, `/tag/:slug`,
 * `/posts/:slug`, the not-found page, and the comment form's post to
 * `/posts/:slug`, which works without JavaScript.
 */
export async function registerReaderPages(app: FastifyInstance, deps: ReaderPagesDeps) {
  const { config, services, renderer, signer, http } = deps;
  const paths = webPaths(config.webRoot);

  if (renderer && deps.serveBuiltAssets) {
    await app.register(fastifyStatic, {
      root: paths.client,
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite puts content hashes in asset names, so they never change; other files may.
        const hashed = filePath.startsWith(path.join(paths.client, 'assets') + path.sep);
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  await app.register(cookie);

  interface PageOptions {
    /** The status to answer with whatever the page shows (422 for a refused form). */
    status?: number;
    meta?: Partial<PageMeta> | ((site: Site) => Partial<PageMeta>);
    headers?: Record<string, string>;
    page?: PageState;
  }

  const renderPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    options: PageOptions,
    data = deps.pageData(req),
  ) => {
    if (!renderer) {
      return reply
        .code(503)
        .type('text/plain')
        .send('The web app has not been built: run `pnpm build`.\n');
    }
    const url = req.url;
    const page = options.page ?? EMPTY_PAGE_STATE;
    // A page with this visitor's own data (their form, their pending
    // comments) is theirs alone: no cache may keep it for anyone else.
    // Decided before rendering, which takes the refused form out of `page`.
    const personal = page.commentForm !== null || page.ownComments !== null;
    const [site, shell, rendered] = await Promise.all([
      data.loaders.site(),
      renderer.template(url),
      renderer.render({ url, execute: data.execute, page }),
    ]);
    const meta: PageMeta = {
      title: site.title,
      description: site.description,
      canonicalUrl: `${config.publicUrl}/`,
      siteName: site.title,
      type: 'website',
      ...(rendered.status === 404
        ? { title: 'Page not found', canonicalUrl: `${config.publicUrl}${url.split('?')[0]}` }
        : typeof options.meta === 'function'
          ? options.meta(site)
          : options.meta),
    };
    reply
      .code(options.status ?? rendered.status)
      .type('text/html; charset=utf-8')
      .headers(options.headers ?? {});
    const html = renderShell(shell, meta, rendered);
    const shared = !personal && options.status === undefined;
    return reply.send(
      http.finish(
        req,
        reply,
        html,
        shared ? { reads: data.loaders.reads, maxAgeMs: PAGE_MAX_AGE_MS } : null,
      ),
    );
  };

  // Feed autodiscovery (modules/feeds): the feeds of what each page shows.
  const feedLinks = (feeds: { title: string; paths: typeof feedPaths.site }[]) =>
    alternateLinks(config.publicUrl, feeds);

  app.get(
    '/',
    (req, reply) =>
      http.serve(req, reply, pageKey(req)) ||
      renderPage(req, reply, {
        meta: (site) => ({
          links: feedLinks([
            { title: site.title, paths: feedPaths.site },
            { title: `Comments for ${site.title}`, paths: feedPaths.comments },
          ]),
        }),
      }),
  );
  app.get(
    '/tag/:slug',
    (req: SlugRequest, reply) =>
      http.serve(req, reply, pageKey(req)) ||
      renderPage(req, reply, {
        meta: (site) => ({
          canonicalUrl: `${config.publicUrl}/tag/${encodeURIComponent(req.params.slug)}`,
          links: feedLinks([
            { title: `${site.title} — ${req.params.slug}`, paths: feedPaths.tag(req.params.slug) },
          ]),
        }),
      }),
  );

  /** The post page, with what this visitor has of it (a refused form, their pending comments). */
  const renderPost = async (
    req: SlugRequest,
    reply: FastifyReply,
    post: PostRow,
    data: ReturnType<ReaderPagesDeps['pageData']>,
    extra: { status?: number; commentForm?: PageState['commentForm'] } = {},
  ) => {
    const ownIds = signer.readPendingCookie(req.cookies[PENDING_COOKIE]);
    const own = ownIds.length ? await services.comments.ownPending(post.id, ownIds) : [];
    const discovery = services.linkbacks.discovery(post);
    return renderPage(
      req,
      reply,
      {
        status: extra.status,
        page: {
          formToken: signer.formToken(post.id),
          commentForm: extra.commentForm ?? null,
          ownComments: own.length
            ? {
                postId: String(post.id),
                comments: own.map((c) => ({ comment: ownCommentView(c), status: 'PENDING' })),
              }
            : null,
        },
        meta: (site) => ({
          title: `${post.title} — ${site.title}`,
          description: post.excerpt,
          canonicalUrl: services.posts.postUrl(post),
          type: 'article',
          publishedAt: post.publishedAt,
          links: [
            ...discovery.links,
            ...feedLinks([
              { title: `Comments on: ${post.title}`, paths: feedPaths.post(post.slug) },
            ]),
          ],
          trackback: discovery.trackback,
        }),
        headers: discovery.headers,
      },
      data,
    );
  };

  app.get('/posts/:slug', async (req: SlugRequest, reply) => {
    if (http.serve(req, reply, pageKey(req))) return reply;
    const data = deps.pageData(req);
    const post = await data.loaders.publishedBySlug.load(req.params.slug);
    if (!post) return renderPage(req, reply, { status: 404 }, data);
    return renderPost(req, reply, post, data);
  });

  // The comment form without JavaScript: the same pipeline as the
  // submitComment mutation. Its own scope, so only this route parses forms.
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
    scope.post('/posts/:slug', { bodyLimit: FORM_BODY_LIMIT }, async (req: SlugRequest, reply) => {
      const refusal = crossSiteRefusal(req, config.publicUrl);
      if (refusal) return reply.code(403).type('text/plain; charset=utf-8').send(`${refusal}\n`);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') {
        return reply
          .code(415)
          .type('text/plain; charset=utf-8')
          .send('Send the comment form as application/x-www-form-urlencoded.\n');
      }
      const post = await services.posts.findPublishedBySlug(req.params.slug);
      if (!post) return renderPage(req, reply, { status: 404 });

      const form = readCommentForm(req.body);
      if (formHoldsNul(form)) {
        return reply
          .code(400)
          .type('text/plain; charset=utf-8')
          .send('A field of the form contains a NUL character (U+0000), which is not allowed.\n');
      }
      const refuse = (errors: UserError[]) =>
        renderPost(req, reply, post, deps.pageData(req), {
          status: 422,
          commentForm: {
            postId: String(post.id),
            draft: form.draft,
            parentId: form.parentId,
            errors,
          },
        });

      if (!signer.verifyFormToken(form.formToken, post.id)) {
        return refuse([
          {
            field: null,
            code: 'FORM_EXPIRED',
            message:
              'This form is too old to be sent (or did not come from this site). Your comment is below: please send it again.',
          },
        ]);
      }
      const result = await services.comments.submitComment(
        submissionOf(post.id, form),
        { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null },
        await services.discussionSettings.get(),
      );
      if (result.errors.length > 0 || !result.comment) return refuse(result.errors);
      const comment = result.comment;

      if (result.status !== 'APPROVED') {
        const earlier = signer.readPendingCookie(req.cookies[PENDING_COOKIE]);
        reply.setCookie(PENDING_COOKIE, signer.pendingCookie([...earlier, comment.id]), {
          path: '/posts/',
          httpOnly: true,
          sameSite: 'lax',
          secure: config.publicUrl.startsWith('https:'),
          maxAge: PENDING_COOKIE_SECONDS,
        });
      }
      // Back to the page the form was on (the same thread page), at the comment.
      const cursor = (req.query as Record<string, unknown>).comments;
      const query =
        typeof cursor === 'string' && cursor ? `?${new URLSearchParams({ comments: cursor })}` : '';
      return reply
        .code(303)
        .header('cache-control', 'no-store')
        .redirect(`/posts/${encodeURIComponent(post.slug)}${query}#comment-${comment.id}`, 303);
    });
  });

  // The editor's desk (packages/web/src/admin/): rendered in the browser
  // only. The server answers every /admin address with the bare shell (no
  // app markup, no page data, nothing about the visitor), which the client
  // entry recognises and mounts the admin chunk into. Never cached, never indexed.
  const adminShell = async (_req: FastifyRequest, reply: FastifyReply) => {
    if (!renderer) {
      return reply
        .code(503)
        .type('text/plain')
        .send('The web app has not been built: run `pnpm build`.\n');
    }
    const [site, shell] = await Promise.all([services.site.getSite(), renderer.template('/admin')]);
    const html = renderShell(
      shell,
      {
        title: `Editor’s desk — ${site.title}`,
        description: site.description,
        canonicalUrl: `${config.publicUrl}/admin`,
        siteName: site.title,
        type: 'website',
      },
      { html: '', data: '', head: '<meta name="robots" content="noindex, nofollow">' },
    );
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(html);
  };
  app.get('/admin', adminShell);
  app.get('/admin/*', adminShell);

  app.setNotFoundHandler((req, reply) => {
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      (req.headers.accept ?? '').includes('text/html')
    ) {
      return renderPage(req, reply, { status: 404 });
    }
    return reply
      .code(404)
      .send({ error: 'Not Found', message: `No route for ${req.method} ${req.url.split('?')[0]}` });
  });
}
