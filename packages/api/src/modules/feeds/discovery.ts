/** A feed's URLs, one per format (paths, or absolute URLs under PUBLIC_URL). */
export interface FeedPaths {
  rss: string;
  atom: string;
  json: string;
}

const under = (path: string): FeedPaths => ({
  rss: `${path}/feed`,
  atom: `${path}/feed/atom`,
  json: `${path}/feed.json`,
});

/** Where every feed is served (docs/feeds.md lists them). */
export const feedPaths = {
  /** The site's latest posts. */
  site: under(''),
  /** The site's latest comments. */
  comments: under('/comments'),
  /** A tag's latest posts. */
  tag: (slug: string): FeedPaths => under(`/tag/${encodeURIComponent(slug)}`),
  /** A post's latest comments. */
  post: (slug: string): FeedPaths => under(`/posts/${encodeURIComponent(slug)}`),
  absolute: (base: string, paths: FeedPaths): FeedPaths => ({
    rss: base + paths.rss,
    atom: base + paths.atom,
    json: base + paths.json,
  }),
};

export const FEED_TYPES = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
} as const;

export interface AlternateLink {
  rel: 'alternate';
  type: string;
  title: string;
  href: string;
}

const FORMAT_NAMES = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' } as const;

/**
 * Feed autodiscovery: the `<link rel="alternate">` elements of a page for
 * each of its feeds, in every format, RSS first (the one readers pick when
 * they take the first).
 */
export function alternateLinks(
  base: string,
  feeds: readonly { title: string; paths: FeedPaths }[],
): AlternateLink[] {
  return feeds.flatMap(({ title, paths }) =>
    (['rss', 'atom', 'json'] as const).map((format) => ({
      rel: 'alternate' as const,
      type: FEED_TYPES[format],
      title: `${title} (${FORMAT_NAMES[format]})`,
      href: base + paths[format],
    })),
  );
}
