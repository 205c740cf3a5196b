import { escapeHtml, truncateText } from '../lib/html.js';

export interface PageMeta {
  title: string;
  description: string;
  canonicalUrl: string;
  siteName: string;
  type: 'website' | 'article';
  publishedAt?: Date | null;
  /** Extra <link> elements (e.g. discovery links added by later modules). */
  links?: { rel: string; href: string; type?: string; title?: string }[];
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
  for (const link of meta.links ?? []) {
    const type = link.type ? ` type="${attr(link.type)}"` : '';
    const title = link.title ? ` title="${attr(link.title)}"` : '';
    tags.push(`<link rel="${attr(link.rel)}"${type}${title} href="${attr(link.href)}">`);
  }
  if (meta.trackback) tags.push(trackbackRdf(meta.trackback));
  return tags.join('\n    ');
}

/** Where the rendered page goes into the app's index.html. */
const MARKERS = ['<!--app-head-->', '<!--app-html-->', '<!--app-data-->'] as const;

/**
 * The app's index.html (built, or transformed by Vite in development), cut
 * once at its markers, so that a page is one concatenation: the head tags at
 * `<!--app-head-->` (its own `<title>` taken out), the rendered app inside
 * `<div id="app">` at `<!--app-html-->`, its data at `<!--app-data-->`.
 */
export interface Shell {
  readonly parts: readonly [string, string, string, string];
}

export function compileShell(template: string): Shell {
  let rest = template.replace(/<title>[^<]*<\/title>\s*/, '');
  const parts: string[] = [];
  for (const marker of MARKERS) {
    const at = rest.indexOf(marker);
    if (at < 0)
      throw new Error(
        `The page template has no ${marker} (after ${MARKERS.join(', ')} in this order)`,
      );
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + marker.length);
  }
  parts.push(rest);
  return { parts: parts as unknown as Shell['parts'] };
}

/** A page: the shell with this page's head tags and rendered app. */
export function renderShell(shell: Shell, meta: PageMeta, app: RenderedApp): string {
  const head = [headTags(meta), app.head].filter(Boolean).join('\n    ');
  const [beforeHead, beforeHtml, beforeData, end] = shell.parts;
  return beforeHead + head + beforeHtml + app.html + beforeData + app.data + end;
}
