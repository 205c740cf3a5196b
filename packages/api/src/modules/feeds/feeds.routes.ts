import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NO_STORE } from '../../cache/http-cache.js';
import { ReadScope } from '../../lib/read-scope.js';
import type { Feed, FeedsService } from './feeds.service.js';
import { CONTENT_TYPES, renderFeed, type FeedFormat } from './formats.js';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

const FORMATS: readonly [FeedFormat, string][] = [
  ['rss', '/feed'],
  ['atom', '/feed/atom'],
  ['json', '/feed.json'],
];

/**
 * The feeds, each in RSS 2.0, Atom 1.0 and JSON Feed 1.1 (docs/feeds.md):
 * `/feed…` (the site's posts), `/comments/feed…` (the site's comments),
 * `/tag/:slug/feed…` (a tag's posts), `/posts/:slug/feed…` (a post's
 * comments). Anonymous reads: answered from the response cache when it holds
 * them, kept there with the tags of what they read otherwise, with an ETag
 * and a Last-Modified (If-None-Match, If-Modified-Since → 304).
 */
export async function registerFeedRoutes(
  app: FastifyInstance,
  { feeds }: { feeds: FeedsService },
): Promise<void> {
  const http = app.httpCache;

  const serve = async (
    req: FastifyRequest,
    reply: FastifyReply,
    format: FeedFormat,
    build: (reads: ReadScope) => Promise<Feed | null>,
    missing: string,
  ) => {
    // The path alone: a feed takes no query, and a query must not make new entries.
    if (http.serve(req, reply, `feed ${req.url.split('?')[0]}`)) return reply;
    const reads = new ReadScope();
    const feed = await build(reads);
    if (!feed) {
      return reply
        .code(404)
        .header('cache-control', NO_STORE)
        .type('text/plain; charset=utf-8')
        .send(`${missing}\n`);
    }
    reply.type(CONTENT_TYPES[format]);
    if (feed.entries.length > 0) reply.header('last-modified', feed.updated.toUTCString());
    return reply.send(http.finish(req, reply, renderFeed(feed, format), { reads }));
  };

  // The feeds of one thing, by its slug: 404 (text) when readers cannot see it.
  const bySlug: [string, (slug: string, reads: ReadScope) => Promise<Feed | null>, string][] = [
    ['/tag/:slug', (slug, r) => feeds.tagPosts(slug, r), 'No such tag: its feed does not exist.'],
    [
      '/posts/:slug',
      (slug, r) => feeds.postComments(slug, r),
      'No such post: its comments feed does not exist.',
    ],
  ];
  for (const [format, tail] of FORMATS) {
    app.get(tail, (req, reply) => serve(req, reply, format, (r) => feeds.sitePosts(r), ''));
    app.get(`/comments${tail}`, (req, reply) =>
      serve(req, reply, format, (r) => feeds.siteComments(r), ''),
    );
    for (const [prefix, build, missing] of bySlug) {
      app.get(`${prefix}${tail}`, (req: SlugRequest, reply) =>
        serve(req, reply, format, (r) => build(req.params.slug, r), missing),
      );
    }
  }
}
