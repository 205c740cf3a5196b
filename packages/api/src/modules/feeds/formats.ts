import { generateAtomFeed, generateJsonFeed, generateRssFeed } from 'feedsmith';
import { FEED_TYPES } from './discovery.js';
import type { Feed, FeedEntry } from './feeds.service.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: `${FEED_TYPES.rss}; charset=utf-8`,
  atom: `${FEED_TYPES.atom}; charset=utf-8`,
  json: `${FEED_TYPES.json}; charset=utf-8`,
};

const GENERATOR = 'Colloquy';

/**
 * Characters XML 1.0 does not allow anywhere, not even escaped (C0 controls
 * but tab and newlines, lone surrogates, U+FFFE/U+FFFF): a comment may hold
 * them, and one would make the whole feed unreadable.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- these control characters are the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const xml = (text: string): string => text.replace(NOT_XML, '');
const xmlOrUndefined = (text: string | null | undefined) => (text ? xml(text) : undefined);

/**
 * A feed in one format, written by feedsmith (which escapes text, or puts
 * HTML in CDATA sections, as each format requires).
 */
export function renderFeed(feed: Feed, format: FeedFormat): string {
  switch (format) {
    case 'rss':
      return rss(feed);
    case 'atom':
      return atom(feed);
    case 'json':
      return JSON.stringify(json(feed));
  }
}

/**
 * feedsmith's XML with CDATA sections put right against their element's
 * tags: it indents them on lines of their own, and feed readers would show
 * that whitespace as part of a title or a name.
 */
function tight(xmlText: string): string {
  return xmlText
    .replace(/>\n[ \t]*<!\[CDATA\[/g, '><![CDATA[')
    .replace(/\]\]>\n[ \t]*<\//g, ']]></');
}

function rss(feed: Feed): string {
  return tight(
    generateRssFeed({
      title: xml(feed.title),
      link: feed.homeUrl,
      description: xml(feed.description),
      generator: GENERATOR,
      lastBuildDate: feed.updated,
      atom: { links: [{ href: feed.urls.rss, rel: 'self', type: FEED_TYPES.rss }] },
      items: feed.entries.map((e) => ({
        title: xml(e.title),
        link: e.url,
        // A post's excerpt; a comment's text (readers show the description when there is no content).
        description: xml(e.summary ?? e.contentHtml),
        content: { encoded: xml(e.contentHtml) },
        guid: { value: e.id, isPermaLink: false },
        pubDate: e.published,
        // RSS's <author> is an email address: the name goes in dc:creator, as WordPress does.
        dc: { creators: [xml(e.author.name)] },
        categories: e.categories.map((c) => ({ name: xml(c.label) })),
        ...(e.comments
          ? {
              comments: e.comments.url,
              slash: { comments: e.comments.count },
              wfw: { commentRss: e.comments.feeds.rss },
            }
          : {}),
        ...(e.inReplyTo ? { thr: { inReplyTos: [inReplyTo(e.inReplyTo)] } } : {}),
      })),
    }),
  );
}

function inReplyTo(to: NonNullable<FeedEntry['inReplyTo']>) {
  return { ref: to.id, href: to.url, type: 'text/html' };
}

function atom(feed: Feed): string {
  return tight(
    generateAtomFeed({
      id: feed.id,
      title: { value: xml(feed.title) },
      subtitle: { value: xml(feed.description) },
      updated: feed.updated,
      generator: { text: GENERATOR },
      links: [
        { href: feed.urls.atom, rel: 'self', type: FEED_TYPES.atom },
        { href: feed.homeUrl, rel: 'alternate', type: 'text/html' },
      ],
      entries: feed.entries.map((e) => ({
        id: e.id,
        title: { value: xml(e.title) },
        published: e.published,
        updated: e.updated,
        authors: [{ name: xml(e.author.name), uri: xmlOrUndefined(e.author.url) }],
        content: { value: xml(e.contentHtml), type: 'html' },
        ...(e.summary ? { summary: { value: xml(e.summary), type: 'text' } } : {}),
        categories: e.categories.map((c) => ({
          term: xml(c.term),
          label: xml(c.label),
          scheme: c.url.slice(0, c.url.lastIndexOf('/') + 1),
        })),
        links: [
          { href: e.url, rel: 'alternate', type: 'text/html' },
          // RFC 4685: where the replies are, and how many.
          ...(e.comments
            ? [
                {
                  href: e.comments.feeds.atom,
                  rel: 'replies',
                  type: FEED_TYPES.atom,
                  thr: { count: e.comments.count },
                },
              ]
            : []),
        ],
        ...(e.inReplyTo ? { thr: { inReplyTos: [inReplyTo(e.inReplyTo)] } } : {}),
      })),
    }),
  );
}

function json(feed: Feed): unknown {
  return generateJsonFeed({
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.urls.json,
    description: feed.description,
    items: feed.entries.map((e) => ({
      id: e.id,
      url: e.url,
      title: e.title,
      content_html: e.contentHtml,
      ...(e.summary ? { summary: e.summary } : {}),
      date_published: e.published,
      date_modified: e.updated,
      authors: [{ name: e.author.name, ...(e.author.url ? { url: e.author.url } : {}) }],
      ...(e.categories.length > 0 ? { tags: e.categories.map((c) => c.label) } : {}),
    })),
  });
}
