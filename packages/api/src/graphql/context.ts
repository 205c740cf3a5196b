import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { RequestMeta } from '../lib/request-meta.js';
import type { Viewer } from '../modules/auth/viewer.js';
import type { Loaders, Services } from '../modules/index.js';

export interface GraphQLContext {
  config: Config;
  services: Services;
  loaders: Loaders;
  request: RequestMeta;
  /** Who is signed in (from the Authorization header); null for anonymous requests. */
  viewer: Viewer | null;
  /**
   * The /graphql request (Fastify's): its log line (lib/request-log.ts) takes
   * the operation's name, and its logger (bound to its request id) the
   * resolvers' failures. Absent for reader pages.
   */
  log?: { operationName?: string; readonly log: FastifyBaseLogger };
}
