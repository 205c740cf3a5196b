import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.js';
import type { PostRow } from '../posts/entities.js';
import type { PostsService } from '../posts/posts.service.js';
import { isVisible } from '../posts/visibility.js';
import type { LegacyUrlRow } from './entities.js';

/*
 * Old WordPress permalinks of imported posts (legacy_urls), answered with a
 * 301 to the post's Colloquy URL. Keys are paths in one spelling: decoded
 * and encoded again (so %E6 and %e6 meet), without a trailing slash; the
 * query string is dropped, except WordPress's own `/?p=<id>`.
 */

function normalPath(pathname: string): string {
  let decoded = pathname;
  try {
    decoded = decodeURI(pathname);
  } catch {
    // A malformed escape: kept as it was sent.
  }
  const path = encodeURI(decoded).replace(/\/+$/, '');
  return path === '' ? '/' : path;
}

/** The key of a permalink (absolute, as in an export's <link>); null when it is the site's root. */
export function legacyKeyOfLink(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  const p = url.searchParams.get('p');
  if (p !== null && /^\d+$/.test(p)) return legacyKeyOfPostId(p);
  const path = normalPath(url.pathname);
  return path === '/' ? null : path;
}

/** The key of WordPress's `/?p=<id>`. */
export function legacyKeyOfPostId(id: string): string | null {
  return /^\d+$/.test(id) ? `/?p=${Number(id)}` : null;
}

/** The key of a request's URL, or null when it cannot be an old permalink. */
export function legacyKeyOfRequest(rawUrl: string): string | null {
  const q = rawUrl.indexOf('?');
  const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
  if (pathname === '/' || pathname === '') {
    if (q === -1) return null;
    const p = new URLSearchParams(rawUrl.slice(q + 1)).get('p');
    return p !== null ? legacyKeyOfPostId(p) : null;
  }
  if (pathname.length > 2000) return null;
  return normalPath(pathname);
}

/** Finds where an old URL leads now. */
export class LegacyUrlService {
  constructor(private readonly deps: { db: Database; posts: PostsService }) {}

  /** The post's URL when the old path belongs to a post readers can see, else null. */
  async redirectFor(key: string): Promise<string | null> {
    const row = await this.deps.db.read
      .getRepository<LegacyUrlRow>('LegacyUrl')
      .findOne({ where: { path: key } });
    if (!row) return null;
    const post = await this.deps.db.read
      .getRepository<PostRow>('Post')
      .findOne({ where: { id: row.postId } });
    return post && isVisible(post) ? this.deps.posts.postUrl(post) : null;
  }
}

/**
 * Answers old permalinks before the not-found page: only requests that no
 * route takes (and `/?p=<id>`, which the home page would take) cost a
 * lookup, so the site's own pages pay nothing for it.
 */
export function registerLegacyRedirects(app: FastifyInstance, legacyUrls: LegacyUrlService): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const isHome = request.url === '/' || request.url.startsWith('/?');
    if (!request.is404 && !isHome) return;
    const key = legacyKeyOfRequest(request.url);
    if (key === null) return;
    const location = await legacyUrls.redirectFor(key);
    if (location === null) return;
    return reply.code(301).header('cache-control', 'public, max-age=86400').redirect(location, 301);
  });
}
