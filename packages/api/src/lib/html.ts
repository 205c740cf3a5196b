import sanitizeHtml from 'sanitize-html';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// http(s) URLs and bare www. hosts; trailing punctuation is left out of the link.
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trail = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trail.length);
    const start = match.index;
    out += escapeHtml(line.slice(last, start));
    const href = url.toLowerCase().startsWith('www.') ? `http://${url}` : url;
    out += `<a href="${escapeHtml(href)}" rel="nofollow ugc">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return out + escapeHtml(line.slice(last));
}

/** How many links plainTextToHtml makes of this text. */
export function countLinks(text: string): number {
  return [...text.matchAll(URL_PATTERN)].length;
}

/**
 * Renders a visitor's plain text as HTML: blank lines separate paragraphs,
 * single newlines become <br>, URLs become nofollow links. Everything else is
 * escaped, so the result is safe by construction.
 */
export function plainTextToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter(Boolean)
    .map((para) => `<p>${para.split('\n').map(linkify).join('<br>\n')}</p>`)
    .join('\n');
}

const POST_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    'b',
    'i',
    'u',
    's',
    'sub',
    'sup',
    'small',
    'mark',
    'a',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'figure',
    'figcaption',
    'img',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'abbr',
    'cite',
    'q',
    'span',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    abbr: ['title'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
};

/** Sanitizes editor-supplied HTML for posts: a conservative allow-list, no scripts, styles or event handlers. */
export function sanitizePostHtml(html: string): string {
  return sanitizeHtml(html, POST_HTML);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
// Block ends and line breaks separate words once the tags are gone.
const BLOCK_END = /<\/(?:p|div|h[1-6]|li|dt|dd|blockquote|pre|tr|td|th|figcaption)>|<br\s*\/?>/gi;

/** Strips all markup, collapsing white space: for excerpts and meta descriptions. */
export function htmlToText(html: string): string {
  return sanitizeHtml(html.replace(BLOCK_END, '$& '), { allowedTags: [], allowedAttributes: {} })
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Cuts text at a word boundary to at most `max` characters (code points, so
 * no emoji is split), adding an ellipsis when cut.
 */
export function truncateText(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const keep = chars.slice(0, max - 1);
  // The cut already falls on a word boundary when the next character is a space.
  if (chars[max - 1] !== ' ') {
    const space = keep.lastIndexOf(' ');
    if (space > max * 0.6) keep.length = space;
  }
  return `${keep.join('').trimEnd()}…`;
}
