import type { Config } from '../config.js';
import type { RequestMeta } from '../modules/comments/comments.service.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export interface GraphQLContext {
  config: Config;
  services: Services;
  loaders: Loaders;
  request: RequestMeta;
}
