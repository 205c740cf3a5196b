import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { GraphQLContext } from './graphql/context.js';
import type { Viewer } from './modules/auth/viewer.js';
import { MAX_TOKENS } from './graphql/limits.js';
import {
  formatError,
  limitsPlugin,
  operationNamePlugin,
  persistedQueries,
} from './graphql/server-options.js';
import { buildResolvers } from './graphql/resolvers.js';
import { jitGateway } from './graphql/jit-executor.js';
import { serveSubscriptions } from './graphql/websocket.js';
import type { RequestMeta } from './lib/request-meta.js';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { typeDefsOf } from './graphql/type-defs.js';
import { JobWorker } from './modules/jobs/job-worker.js';
import { recurringHandlers, scheduleRecurring } from './modules/jobs/recurring.js';
import { refuseNulInUrls } from './lib/url-guard.js';
import { drainOnClose, registerHealthRoutes } from './lifecycle.js';
import { RequestLog } from './lib/request-log.js';
import { readForwarded, requestIds, trustFunction } from './lib/trusted-proxies.js';
import { modules as appModules, type Loaders } from './modules/index.js';
import { composeLoaders, type AnyModule } from './modules/module.js';
import { createServices, type Services } from './services.js';
import { registerReaderPages } from './web/pages.js';
import {
  loadBuiltRenderer,
  startDevRenderer,
  type ExecuteOperation,
  type PageRenderer,
} from './web/renderer.js';
import { FormSigner, loadSigningSecret } from './web/signing.js';
import { shareablePlugin } from './cache/graphql-plugin.js';
import { graphqlKey, HttpCache } from './cache/http-cache.js';
import { ResponseCache } from './cache/response-cache.js';
import { ScheduleWatch } from './cache/schedule-watch.js';
import { registerMetrics } from './metrics/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's services, for in-process callers (tests; later the editorial API's jobs). */
    services: Services;
    /** This process's job worker (running when config.jobs.worker is on). */
    jobWorker: JobWorker;
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

/** The whole HTTP application: GraphQL API and SPA, on a database that is already open and migrated. */
export async function buildApp({
  config,
  db,
  logStream,
  modules = appModules,
}: BuildAppOptions): Promise<FastifyInstance> {
  // One function decides which peers are proxies (TRUST_PROXY): Fastify asks
  // it for request.ip, protocol and host, genReqId for X-Request-Id.
  const trust = trustFunction(config.trustProxy);
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
    // One line per request, when it is answered (lib/request-log.ts).
    logController: new RequestLog(['info', 'debug', 'trace'].includes(config.logLevel)),
    trustProxy: trust ?? false,
    genReqId: requestIds(trust),
    bodyLimit: config.bodyLimit,
  });
  // RFC 7239 Forwarded from a trusted proxy, as the X-Forwarded-* Fastify reads (before anything asks request.ip).
  if (trust) {
    const forwarded = readForwarded(trust);
    app.addHook('onRequest', (request, _reply, done) => {
      forwarded(request.raw);
      done();
    });
  }
  // The id a request is logged under, for the client (and the proxy) to quote.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  const services = createServices({ db, config, modules });
  app.decorate('services', services);
  refuseNulInUrls(app);
  const drain = drainOnClose(app);

  // Background jobs (webmention verification, sending pings) run with the app
  // and stop with it; the job in progress finishes first.
  const recurring: Record<string, number> = Object.assign(
    {},
    ...modules.map((m) => m.recurring ?? {}),
  );
  const worker = new JobWorker(
    services.jobs,
    recurringHandlers(
      services.jobs,
      Object.assign({}, ...modules.map((m) => m.jobs?.(services) ?? {})),
      recurring,
    ),
    config.jobs,
    app.log,
  );
  app.decorate('jobWorker', worker);
  if (config.jobs.worker)
    app.addHook('onReady', async () => {
      await scheduleRecurring(services.jobs, recurring);
      await worker.start();
    });
  app.addHook('onClose', async () => worker.stop());

  const schema = makeExecutableSchema({
    typeDefs: typeDefsOf(modules),
    resolvers: buildResolvers(modules),
  });
  const apollo = new ApolloServer<GraphQLContext>({
    // Our schema, executed by graphql-jit for the shareable reads (graphql/jit-executor.ts).
    gateway: jitGateway(schema),
    // GET /graphql?…&extensions={"persistedQuery":…} sends a hash instead of
    // the query (the reader app does for its queries); CSRF prevention holds
    // for those GETs as for any other.
    csrfPrevention: true,
    // main.ts shuts down on SIGTERM and SIGINT; Apollo's own handlers would
    // close the app with a 10 s bound of their own and then kill the process
    // with the signal again (exit status 143 rather than 0).
    stopOnTerminationSignals: false,
    persistedQueries: persistedQueries(),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(app.log),
    // graphql-js stops parsing past this many tokens (GRAPHQL_PARSE_FAILED, HTTP 400).
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [
      fastifyApolloDrainPlugin(app),
      limitsPlugin,
      operationNamePlugin,
      shareablePlugin,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  // Public reads are meant to be used from other sites' pages.
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'apollo-require-preflight', 'authorization'],
    maxAge: 86400,
  });

  const contextOf = (request: RequestMeta, viewer: Viewer | null): GraphQLContext => ({
    config,
    services,
    loaders: composeLoaders(modules, services) as Loaders,
    request,
    viewer,
  });
  const contextFor = (request: FastifyRequest, viewer: Viewer | null): GraphQLContext =>
    contextOf({ ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null }, viewer);

  // Subscriptions: WebSocket upgrades of /graphql (graphql/websocket.ts, the live module).
  if ('liveFeed' in services)
    serveSubscriptions(app, { config, schema, services, contextFor: contextOf, trust });

  // The response cache: anonymous answers kept until a committed change
  // names something they read (db/changes.ts), in this process or another.
  const cache = config.cache.enabled ? new ResponseCache(config.cache.maxBytes) : null;
  const http = new HttpCache(cache, config.cache, () => db.changesHealthy);
  app.decorate('httpCache', http);
  if (cache) {
    const unsubscribe = db.onChange((change) => cache.invalidate(change));
    // What time alone changes: a scheduled post's publication.
    const schedule = new ScheduleWatch(
      services.posts,
      (change) => cache.invalidate(change),
      app.log,
    );
    const stopWatching = db.onChange((change, origin) => schedule.changed(change, origin));
    app.addHook('onReady', () => schedule.start());
    app.addHook('onClose', async () => {
      unsubscribe();
      stopWatching();
      schedule.stop();
    });
  }

  const contexts = new WeakMap<FastifyRequest, GraphQLContext>();
  const graphql = fastifyApolloHandler(apollo, {
    context: async (request) => {
      // Throws UNAUTHENTICATED (HTTP 401) for a bad token; no header means anonymous.
      const context: GraphQLContext = {
        ...contextFor(request, await services.auth.authenticate(request.headers.authorization)),
        // The request's log line names the operation (operationNamePlugin).
        log: request,
      };
      contexts.set(request, context);
      return context;
    },
  });
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (request, reply) => {
      // With the cache off, no key is made (it hashes the query).
      const key = http.cache && request.method !== 'OPTIONS' ? graphqlKey(request) : null;
      if (http.serve(request, reply, key)) return reply;
      return (graphql as (req: FastifyRequest, res: FastifyReply) => Promise<unknown>).call(
        app,
        request,
        reply,
      );
    },
    onSend: async (request, reply, payload) => {
      if (reply.getHeader('x-cache') === 'hit' || request.method === 'OPTIONS') return payload;
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
      const context = contexts.get(request);
      return http.finish(
        request,
        reply,
        payload,
        context?.loaders.reads.shared
          ? { reads: context.loaders.reads, vary: 'authorization' }
          : null,
      );
    },
  });

  // Reader pages run their queries in-process, through the same server (its
  // limits and error formatting), as an anonymous reader: a page is the same
  // for everyone who is not its author. One context per page: its
  // operations share one request's loaders.
  const pageData = (request: FastifyRequest) => {
    const context = contextFor(request, null);
    const execute: ExecuteOperation = async ({ query, variables, operationName }) => {
      const response = await apollo.executeOperation(
        { query, variables, operationName },
        { contextValue: context },
      );
      if (response.body.kind !== 'single')
        throw new Error('Reader pages use no incremental delivery');
      return response.body.singleResult;
    };
    return { execute, loaders: context.loaders };
  };

  registerMetrics(app, { token: config.metricsToken, cache, db, jobs: services.jobs });

  registerHealthRoutes(app, db, drain);

  for (const module of modules) await module.routes?.(app, services);

  const renderer: PageRenderer | null = config.webDev
    ? await startDevRenderer(app, config.webRoot)
    : await loadBuiltRenderer(config.webRoot);
  if (renderer) app.addHook('onClose', () => renderer.close());
  await registerReaderPages(app, {
    config,
    services,
    renderer,
    signer: new FormSigner(await loadSigningSecret(db, services.settings)),
    pageData,
    http,
    serveBuiltAssets: !config.webDev,
  });
  return app;
}
