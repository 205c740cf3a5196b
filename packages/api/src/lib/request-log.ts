import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The GraphQL operation a /graphql request ran (or was answered from the cache for), for its log line. */
    operationName?: string;
  }
}

/**
 * One log line per request, written when the response has been sent,
 * instead of Fastify's "incoming request" and "request completed" pair:
 *
 *   {"level":30,…,"reqId":"…","method":"POST","path":"/graphql","route":"/graphql",
 *    "status":200,"ms":3.21,"ip":"203.0.113.7","operation":"PostPage","msg":"request"}
 *
 * The path goes without its query string, which can carry GraphQL
 * variables (an email address). It is on the hot path of cached reads: a
 * few property reads and the log call, nothing else.
 */
export class RequestLog extends LogController {
  /** `info`: whether request lines are logged at all (else the line is not even built). */
  constructor(private readonly info: boolean) {
    super();
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if ((!error && !this.info) || this.isLogDisabled(request)) return;
    const url = request.url;
    const query = url.indexOf('?');
    const line = {
      method: request.method,
      path: query === -1 ? url : url.slice(0, query),
      route: request.routeOptions.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ip: request.ip,
      operation: request.operationName,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request');
  }
}
