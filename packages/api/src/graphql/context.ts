import type { Config } from '../config.js';
import type { Viewer } from '../modules/auth/viewer.js';
import type { RequestMeta } from '../modules/comments/comments.service.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export interface GraphQLContext {
  config: Config;
  services: Services;
  loaders: Loaders;
  request: RequestMeta;
  /** Who is signed in (from the Authorization header); null for anonymous requests. */
  viewer: Viewer | null;
}
