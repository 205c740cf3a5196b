import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { GraphQLContext } from './graphql/context.js';
import { MAX_TOKENS } from './graphql/limits.js';
import { formatError, limitsPlugin } from './graphql/server-options.js';
import { buildResolvers } from './graphql/resolvers.js';
import { typeDefsOf } from './graphql/type-defs.js';
import { JobWorker } from './modules/jobs/job-worker.js';
import { refuseNulInUrls } from './lib/url-guard.js';
import { modules as appModules, type Loaders } from './modules/index.js';
import { composeLoaders, type AnyModule } from './modules/module.js';
import { createServices, type Services } from './services.js';
import type { Site } from './modules/site/site.service.js';
import { SpaShell, type PageMeta } from './spa.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's services, for in-process callers (tests; later the editorial API's jobs). */
    services: Services;
  }
}

export interface BuildAppOptions {
  config: Config;
  db: Database;
  /** Where log lines go (standard output when omitted). */
  logStream?: NodeJS.WritableStream;
  /** The modules to serve (modules/index.ts unless told otherwise; the database must hold their tables). */
  modules?: readonly AnyModule[];
}

async function registerSpa(
  app: FastifyInstance,
  config: Config,
  services: Services,
): Promise<void> {
  const shell = SpaShell.load(config.webRoot);
  if (shell) {
    await app.register(fastifyStatic, {
      root: config.webRoot,
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite puts content hashes in asset names, so they never change; other files may.
        const hashed = filePath.startsWith(path.join(config.webRoot, 'assets') + path.sep);
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  const send = async (
    reply: FastifyReply,
    status: number,
    // A function when the page's meta depends on the site (read once per request, here).
    meta: Partial<PageMeta> | ((site: Site) => Partial<PageMeta>) = {},
    headers: Record<string, string> = {},
  ) => {
    if (!shell) {
      return reply
        .code(503)
        .type('text/plain')
        .send('The web app has not been built: run `pnpm build`.\n');
    }
    const site = await services.site.getSite();
    const page: PageMeta = {
      title: site.title,
      description: site.description,
      canonicalUrl: `${config.publicUrl}/`,
      siteName: site.title,
      type: 'website',
      ...(typeof meta === 'function' ? meta(site) : meta),
    };
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .headers(headers)
      .send(shell.render(page));
  };

  app.get('/', (_req, reply) => send(reply, 200));
  app.get('/tag/:slug', (req: FastifyRequest<{ Params: { slug: string } }>, reply) =>
    send(reply, 200, {
      canonicalUrl: `${config.publicUrl}/tag/${encodeURIComponent(req.params.slug)}`,
    }),
  );
  app.get('/posts/:slug', async (req: FastifyRequest<{ Params: { slug: string } }>, reply) => {
    const post = await services.posts.findPublishedBySlug(req.params.slug);
    if (!post)
      return send(reply, 404, {
        title: 'Page not found',
        canonicalUrl: `${config.publicUrl}${req.url}`,
      });
    const discovery = services.linkbacks.discovery(post);
    return send(
      reply,
      200,
      (site) => ({
        title: `${post.title} — ${site.title}`,
        description: post.excerpt,
        canonicalUrl: services.posts.postUrl(post),
        type: 'article',
        publishedAt: post.publishedAt,
        links: discovery.links,
        trackback: discovery.trackback,
      }),
      discovery.headers,
    );
  });

  app.setNotFoundHandler((req, reply) => {
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      (req.headers.accept ?? '').includes('text/html')
    ) {
      return send(reply, 404, {
        title: 'Page not found',
        canonicalUrl: `${config.publicUrl}${req.url}`,
      });
    }
    return reply
      .code(404)
      .send({ error: 'Not Found', message: `No route for ${req.method} ${req.url.split('?')[0]}` });
  });
}

/** The whole HTTP application: GraphQL API and SPA, on a database that is already open and migrated. */
export async function buildApp({
  config,
  db,
  logStream,
  modules = appModules,
}: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            ...(logStream ? { stream: logStream } : {}),
            serializers: {
              // Paths only: a query string can carry GraphQL variables, and so an email.
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: req.url.split('?')[0],
                remoteAddress: req.ip,
              }),
            },
          },
    bodyLimit: config.bodyLimit,
  });
  const services = createServices({ db, config, modules });
  app.decorate('services', services);
  refuseNulInUrls(app);

  // Background jobs (webmention verification, sending pings) run with the app
  // and stop with it; the job in progress finishes first.
  const worker = new JobWorker(
    services.jobs,
    Object.assign({}, ...modules.map((m) => m.jobs?.(services) ?? {})),
    config.jobs,
    app.log,
  );
  if (config.jobs.worker) app.addHook('onReady', async () => worker.start());
  app.addHook('onClose', async () => worker.stop());

  const apollo = new ApolloServer<GraphQLContext>({
    typeDefs: typeDefsOf(modules),
    resolvers: buildResolvers(modules),
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(app.log),
    // graphql-js stops parsing past this many tokens (GRAPHQL_PARSE_FAILED, HTTP 400).
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [fastifyApolloDrainPlugin(app), limitsPlugin, ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  // Public reads are meant to be used from other sites' pages.
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'apollo-require-preflight', 'authorization'],
    maxAge: 86400,
  });

  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: fastifyApolloHandler(apollo, {
      context: async (request) => ({
        config,
        services,
        loaders: composeLoaders(modules, services) as Loaders,
        request: { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null },
        // Throws UNAUTHENTICATED (HTTP 401) for a bad token; no header means anonymous.
        viewer: await services.auth.authenticate(request.headers.authorization),
      }),
    }),
  });

  app.get('/healthz', async (_req, reply) => {
    await db.read.query('SELECT 1');
    return reply.send({ ok: true });
  });

  for (const module of modules) await module.routes?.(app, services);
  await registerSpa(app, config, services);
  return app;
}
