import fs from 'node:fs';
import path from 'node:path';
import { escapeHtml, truncateText } from './lib/html.js';

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

/** The built SPA's index.html, with the marker where per-page head tags go. */
export class SpaShell {
  private constructor(
    readonly root: string,
    private readonly html: string,
  ) {}

  /** Reads dist/index.html once; null when the SPA has not been built. */
  static load(root: string): SpaShell | null {
    const file = path.join(root, 'index.html');
    if (!fs.existsSync(file)) return null;
    return new SpaShell(root, fs.readFileSync(file, 'utf8'));
  }

  render(meta: PageMeta): string {
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
    const head = tags.join('\n    ');
    return this.html.replace(/<title>[^<]*<\/title>\s*/, '').replace('<!--app-head-->', head);
  }
}
