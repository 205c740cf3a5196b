import { escapeHtml, truncateText } from '../lib/html.js';

export interface PageMeta {
  title: string;
  description: string;
  canonicalUrl: string;
  siteName: string;
  type: 'website' | 'article';
  publishedAt?: Date | null;
  /** Extra <link> elements (e.g. discovery links added by later modules). */
  links?: { rel: string; href: string }[];
  /** Trackback auto-discovery: an RDF block (inside an HTML comment) naming the post's ping URL. */
  trackback?: { about: string; title: string; pingUrl: string };
}

/** The Trackback 1.2 RDF discovery block; `--` is escaped so the comment cannot end early. */
function trackbackRdf(tb: NonNullable<PageMeta['trackback']>): string {
  const attr = (text: string) => escapeHtml(text).replace(/--/g, '-&#45;');
  return [
    '<!--',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
    '         xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '         xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">',
    `<rdf:Description rdf:about="${attr(tb.about)}"`,
    `    dc:identifier="${attr(tb.about)}"`,
    `    dc:title="${attr(tb.title)}"`,
    `    trackback:ping="${attr(tb.pingUrl)}" />`,
    '</rdf:RDF>',
    '-->',
  ].join('\n');
}

/** What the server render of a page adds to the shell (see packages/web/src/entry-server.ts). */
export interface RenderedApp {
  /** The app's markup, for inside `<div id="app">`. */
  html: string;
  /** The page's data for hydration (a `<script type="application/json">`). */
  data: string;
  /** More `<head>` content (JSON-LD). */
  head: string;
}

/** The `<head>` tags of one page: title, description, canonical URL, Open Graph and Twitter meta, discovery links. */
export function headTags(meta: PageMeta): string {
  const attr = escapeHtml;
  const description = truncateText(meta.description, 300);
  const tags = [
    `<title>${escapeHtml(meta.title)}</title>`,
    `<meta name="description" content="${attr(description)}">`,
    `<link rel="canonical" href="${attr(meta.canonicalUrl)}">`,
    `<meta property="og:site_name" content="${attr(meta.siteName)}">`,
    `<meta property="og:type" content="${meta.type}">`,
    `<meta property="og:title" content="${attr(meta.title)}">`,
    `<meta property="og:description" content="${attr(description)}">`,
    `<meta property="og:url" content="${attr(meta.canonicalUrl)}">`,
    `<meta name="twitter:card" content="summary">`,
    `<meta name="twitter:title" content="${attr(meta.title)}">`,
    `<meta name="twitter:description" content="${attr(description)}">`,
  ];
  if (meta.publishedAt) {
    tags.push(
      `<meta property="article:published_time" content="${meta.publishedAt.toISOString()}">`,
    );
  }
  for (const link of meta.links ?? [])
    tags.push(`<link rel="${attr(link.rel)}" href="${attr(link.href)}">`);
  if (meta.trackback) tags.push(trackbackRdf(meta.trackback));
  return tags.join('\n    ');
}

/**
 * A page from the app's index.html (built, or transformed by Vite in
 * development): the head tags at `<!--app-head-->`, the rendered app inside
 * `<div id="app">`, its data at `<!--app-data-->`. Replacements are
 * functions, so `$` in the content is never a replacement pattern.
 */
export function renderShell(template: string, meta: PageMeta, app: RenderedApp): string {
  const head = [headTags(meta), app.head].filter(Boolean).join('\n    ');
  return template
    .replace(/<title>[^<]*<\/title>\s*/, '')
    .replace('<!--app-head-->', () => head)
    .replace('<!--app-html-->', () => app.html)
    .replace('<!--app-data-->', () => app.data);
}
