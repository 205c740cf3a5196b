import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Database } from './db/database.js';
import { checkReadiness } from './db/readiness.js';

/**
 * Lets `app.close()` end without waiting for idle keep-alive connections.
 * Fastify closes the connections that are idle when closing begins (and
 * answers 503 to requests that arrive after it on connections that were
 * busy), but a connection whose request finishes after that stays open until
 * its keep-alive timeout, 72 s (fastify/fastify#7044). So, once closing has
 * begun, every response says `Connection: close` (the client will not send
 * another request on it), and every connection that becomes idle is closed.
 * Before closing begins it costs a response one boolean read.
 * Call it before the routes are added.
 */
export function drainOnClose(app: FastifyInstance): { readonly draining: boolean } {
  const state = { draining: false };
  // Listened for only once closing begins: until then no request pays for it.
  const onRequest = (_request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('connection', 'close');
    response.once('finish', () => app.server.closeIdleConnections());
  };
  let sweep: NodeJS.Timeout | null = null;
  app.addHook('preClose', async () => {
    state.draining = true;
    app.server.prependListener('request', onRequest);
    // The requests already in progress had their 'request' event: their
    // connections are closed as soon as each is idle.
    sweep = setInterval(() => app.server.closeIdleConnections(), 20);
    sweep.unref();
  });
  app.addHook('onClose', async () => {
    if (sweep) clearInterval(sweep);
  });
  // The responses of requests already in progress when closing began (a
  // synchronous hook: a boolean read per response until then).
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (state.draining && !reply.raw.headersSent) reply.header('connection', 'close');
    done(null, payload);
  });
  return state;
}

/**
 * `/healthz`: the process is alive and its event loop turns (no database
 * query: a supervisor restarting the process would not mend the database).
 * `/readyz`: it can serve — the database answers, migrated (db/readiness.ts) —
 * and is not shutting down; 503 with a short reason otherwise, so a load
 * balancer sends its traffic elsewhere. Neither is ever cached.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  db: Database,
  drain: { readonly draining: boolean },
): void {
  app.get('/healthz', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ ok: true }),
  );
  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (drain.draining) return reply.code(503).send({ ready: false, reason: 'shutting down' });
    const readiness = await checkReadiness(db);
    if (readiness.ready) return reply.send({ ready: true });
    request.log.warn({ reason: readiness.reason, detail: readiness.detail }, 'not ready');
    return reply.code(503).send({ ready: false, reason: readiness.reason });
  });
}
