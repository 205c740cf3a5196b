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
  /** A /graphql request's log line (lib/request-log.ts), where the operation's name goes; absent for reader pages. */
  log?: { operationName?: string };
}
