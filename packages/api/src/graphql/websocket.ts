import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyInstance } from 'fastify';
import type * as GraphQL from 'graphql';
import type {
  DocumentNode,
  ExecutionArgs,
  ExecutionResult,
  GraphQLFormattedError,
  GraphQLSchema,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, type OperationResult } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Config } from '../config.js';
import { readForwarded, type TrustFunction } from '../lib/trusted-proxies.js';
import type { RequestMeta } from '../lib/request-meta.js';
import type { Viewer } from '../modules/auth/viewer.js';
import type { Services } from '../modules/index.js';
import type { GraphQLContext } from './context.js';
import { rejectNulInput } from './input-guard.js';
import { enforceLimits } from './limits.js';
import { formatError } from './server-options.js';

/**
 * graphql-ws checks its errors with `instanceof` against the graphql-js it
 * loads (the CommonJS build), as the schema's builder does: ours must be of
 * that copy too (see jit-executor.ts).
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** Open live WebSockets of this process (absent without the live module). */
    liveConnections?: () => number;
  }
}

const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** Close codes a client can act on (4xxx as graphql-ws uses them; 1001 as RFC 6455 has it). */
export const LIVE_CLOSE = {
  badToken: CloseCode.Unauthorized,
  badRequest: CloseCode.BadRequest,
  goingAway: 1001,
} as const;

const messages = {
  tooManyConnections: 'Too many live connections from your address.',
  tooManySubscriptions: (max: number) =>
    `This connection already has ${max} subscriptions, the most it may hold; complete one first.`,
  subscriptionsOnly:
    'Only subscriptions are served over WebSocket; send queries and mutations to /graphql over HTTP.',
  badAuthorization: 'connection_init payload.authorization must be a string ("Bearer <token>").',
  shuttingDown: 'Server shutting down',
};

/** Who is behind one WebSocket: their address and, when they sent a token, the viewer. */
interface Connection {
  ip: string;
  meta: RequestMeta;
  viewer: Viewer | null;
  /** The Authorization value it signed in with, checked again at each ping. */
  authorization?: string;
  socket: WebSocket;
}

export interface SubscriptionServerOptions {
  config: Config;
  schema: GraphQLSchema;
  services: Services;
  /** A fresh context (its own loaders) for a viewer: one per event, so nothing read is stale. */
  contextFor: (meta: RequestMeta, viewer: Viewer | null) => GraphQLContext;
  trust: TrustFunction | null;
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws's graphql-transport-ws
 * protocol) on the HTTP server's port and path (`/graphql`, upgrade
 * requests). graphql-ws's core speaks the protocol; this adapter (rather
 * than its `use/ws`) owns the socket, for the limits: connections per
 * address, subscriptions per connection, a ping each interval (a socket that
 * missed the last pong is closed), the largest message, and a client that
 * does not read is dropped once what is queued for it passes a ceiling
 * (its sends are not awaited, so one slow client holds up no one). A signed-in
 * socket's token is checked again at each ping: signed out, it is closed.
 */
export function serveSubscriptions(app: FastifyInstance, options: SubscriptionServerOptions): void {
  const { config, schema, services, contextFor, trust } = options;
  const limits = config.live;
  const format = formatError(app.log);
  const forwarded = trust ? readForwarded(trust) : null;
  const perIp = new Map<string, number>();
  const sockets = new Set<WebSocket>();
  let closing = false;
  app.decorate('liveConnections', () => sockets.size);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => handleProtocols(protocols),
  });

  const formatted = (errors: readonly GraphQL.GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => {
      const json = error.toJSON();
      const withCode = json.extensions?.code
        ? json
        : { ...json, extensions: { ...json.extensions, code: 'INTERNAL_SERVER_ERROR' } };
      return format(withCode, error.originalError ?? error);
    });

  /** Errors as graphql-ws accepts them (of its graphql-js). */
  const refuse = (error: unknown): GraphQL.GraphQLError[] => {
    const e = error as { message?: string; extensions?: Record<string, unknown> };
    return [new graphql.GraphQLError(e.message ?? String(error), { extensions: e.extensions })];
  };

  const server = makeServer<Record<string, unknown> | undefined, Connection>({
    schema,
    connectionInitWaitTimeout: 10_000,
    onConnect: async (ctx) => {
      const authorization = ctx.connectionParams?.authorization;
      if (authorization !== undefined && typeof authorization !== 'string') {
        ctx.extra.socket.close(LIVE_CLOSE.badRequest, messages.badAuthorization);
        return false;
      }
      try {
        ctx.extra.viewer = await services.auth.authenticate(authorization);
        ctx.extra.authorization = authorization;
      } catch (error) {
        // A bad, expired or revoked token: said, not taken for anonymous (as over HTTP, 401).
        ctx.extra.socket.close(LIVE_CLOSE.badToken, (error as Error).message.slice(0, 120));
        return false;
      }
      return true;
    },
    onSubscribe: (ctx, _id, payload) => {
      // The new one is counted already (graphql-ws reserves its id first).
      if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection)
        return refuse({
          message: messages.tooManySubscriptions(limits.maxSubscriptionsPerConnection),
          extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
        });
      let document: DocumentNode;
      try {
        document = graphql.parse(payload.query, { maxTokens: 1000 });
      } catch (error) {
        return refuse({
          message: (error as Error).message,
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        });
      }
      const invalid = graphql.validate(schema, document);
      if (invalid.length > 0)
        return invalid.map(
          (e) =>
            new graphql.GraphQLError(e.message, {
              nodes: e.nodes,
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
        );
      const operation = graphql.getOperationAST(document, payload.operationName);
      if (operation?.operation !== 'subscription')
        return refuse({ message: messages.subscriptionsOnly, extensions: { code: 'BAD_REQUEST' } });
      const variables = payload.variables ?? {};
      // Variables that do not fit the operation: the client's mistake, said as over HTTP.
      const coerced = graphql.getVariableValues(
        schema,
        operation.variableDefinitions ?? [],
        variables,
        { maxErrors: 50 },
      );
      if (coerced.errors)
        return coerced.errors.map(
          (e) =>
            new graphql.GraphQLError(e.message, {
              nodes: e.nodes,
              extensions: { code: 'BAD_USER_INPUT' },
            }),
        );
      try {
        enforceLimits(document, operation, variables);
        rejectNulInput(document, variables, payload.query);
      } catch (error) {
        return refuse(error);
      }
      const args: ExecutionArgs = {
        schema,
        document,
        operationName: payload.operationName ?? null,
        variableValues: variables,
        contextValue: contextFor(ctx.extra.meta, ctx.extra.viewer),
      };
      return args;
    },
    // graphql-ws awaits what subscribe returns; its type says otherwise.
    subscribe: (args) =>
      subscribe(args, () => contextFor(...contextArgs(args))) as unknown as OperationResult,
    onError: (_ctx, _id, _payload, errors) => formatted(errors),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: formatted(result.errors) } : undefined,
  });

  /** The viewer and address a subscription's context was made for, to make the next one alike. */
  const contextArgs = (args: ExecutionArgs): [RequestMeta, Viewer | null] => {
    const context = args.contextValue as GraphQLContext;
    return [context.request, context.viewer];
  };

  const opened = (socket: WebSocket, request: IncomingMessage, ip: string) => {
    sockets.add(socket);
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    const connection: Connection = {
      ip,
      socket,
      viewer: null,
      meta: { ip, userAgent: request.headers['user-agent'] ?? null },
    };
    let alive = true;
    socket.on('pong', () => (alive = true));
    const ping = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
      // A session signed out or a token revoked since: the socket goes with it.
      if (connection.viewer && connection.authorization)
        services.auth.authenticate(connection.authorization).catch((error: unknown) => {
          socket.close(LIVE_CLOSE.badToken, (error as Error).message.slice(0, 120));
        });
    }, limits.pingIntervalMs);
    ping.unref();
    // Too large a message (ws closes with 1009 itself), a broken frame: the socket is closed, the process is not.
    socket.on('error', (error) => app.log.debug({ err: error.message }, 'WebSocket error'));

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          if (socket.readyState !== WebSocket.OPEN) return;
          if (socket.bufferedAmount > limits.maxBufferedBytes) {
            app.log.info(
              { bufferedBytes: socket.bufferedAmount },
              'live client not reading, dropped',
            );
            socket.terminate();
            return;
          }
          socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              app.log.error({ cause: (error as Error).message }, 'live message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      connection,
    );
    socket.once('close', (code, reason) => {
      clearInterval(ping);
      sockets.delete(socket);
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
      void closed(code, String(reason));
    });
  };

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/graphql') {
      // Another listener (Vite's HMR in development) may want it; alone, we say no.
      if (app.server.listenerCount('upgrade') === 1) reject(socket, 404, 'Not Found');
      return;
    }
    if (closing) return reject(socket, 503, 'Service Unavailable', messages.shuttingDown);
    forwarded?.(request);
    const ip = (trust ? proxyAddr(request, trust) : request.socket.remoteAddress) ?? 'unknown';
    if ((perIp.get(ip) ?? 0) >= limits.maxConnectionsPerIp)
      return reject(socket, 429, 'Too Many Requests', messages.tooManyConnections);
    wss.handleUpgrade(request, socket, head, (ws) => opened(ws, request, ip));
  });

  // Before the HTTP server closes (it waits for every socket): say goodbye,
  // give clients a moment to close, then cut whoever did not.
  app.addHook('preClose', async () => {
    closing = true;
    await services.liveFeed.close();
    for (const socket of sockets) socket.close(LIVE_CLOSE.goingAway, messages.shuttingDown);
    const deadline = Date.now() + Math.min(1000, config.shutdownTimeoutMs);
    while (sockets.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    for (const socket of sockets) socket.terminate();
    wss.close();
  });
}

function reject(socket: Duplex, status: number, text: string, body = text): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * graphql-js's subscribe, but each event is executed with a fresh context
 * (new loaders: a DataLoader kept for the life of a subscription would
 * answer later events from what it read for the first). The iterator's
 * `return` ends the source at once, even while it waits for an event.
 */
async function subscribe(
  args: ExecutionArgs,
  freshContext: () => GraphQLContext,
): Promise<OperationResult> {
  const source = await graphql.createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const events = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const mapped: AsyncGenerator<ExecutionResult> = {
    async next() {
      const event = await events.next();
      if (event.done) return { value: undefined, done: true };
      const result = await graphql.execute({
        ...args,
        rootValue: event.value,
        contextValue: freshContext(),
      });
      return { value: result, done: false };
    },
    async return() {
      await events.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return mapped;
}
