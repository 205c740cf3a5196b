import type { FastifyInstance } from 'fastify';

/**
 * Lets `app.close()` end without waiting for idle keep-alive connections.
 * Fastify closes the connections that are idle when closing begins (and
 * answers 503 to requests that arrive after it on connections that were
 * busy), but a connection whose request finishes after that stays open until
 * its keep-alive timeout, 72 s (fastify/fastify#7044). So, once closing has
 * begun, every response says `Connection: close` (the client will not send
 * another request on it), and every connection that becomes idle is closed.
 * Call it before the routes are added.
 */
export function drainOnClose(app: FastifyInstance): { readonly draining: boolean } {
  const state = { draining: false };
  app.addHook('preClose', async () => {
    state.draining = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (state.draining && !reply.raw.headersSent) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async () => {
    if (state.draining) app.server.closeIdleConnections();
  });
  return state;
}
