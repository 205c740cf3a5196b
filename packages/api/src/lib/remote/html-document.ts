import { Parser } from 'htmlparser2';

/** A URL-bearing element of a page, in document order. */
export interface PageLink {
  tag: string;
  /** The attribute's value resolved against the page's base URL (null when unresolvable). */
  url: string | null;
  /** The raw attribute value, as written. */
  raw: string;
  /** rel values, lower case. */
  rels: string[];
  /** Where the element's text starts and ends in `PageText.text`. */
  textStart: number;
  textEnd: number;
}

export interface PageText {
  title: string | null;
  /** The page's visible text, white space collapsed. */
  text: string;
  links: PageLink[];
}

/** Which attribute of which element carries a URL that counts as a link. */
const URL_ATTRIBUTES: Record<string, string> = {
  a: 'href',
  area: 'href',
  link: 'href',
  img: 'src',
  iframe: 'src',
  video: 'src',
  audio: 'src',
  source: 'src',
  embed: 'src',
  blockquote: 'cite',
  q: 'cite',
  ins: 'cite',
  del: 'cite',
};

/** Elements whose content is not visible text. */
const HIDDEN = new Set(['script', 'style', 'template', 'noscript', 'svg', 'math']);
const VOID = new Set([
  'area',
  'link',
  'img',
  'source',
  'embed',
  'br',
  'meta',
  'base',
  'input',
  'hr',
  'wbr',
]);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'td',
  'th',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'section',
  'article',
  'header',
  'footer',
  'dd',
  'dt',
  'pre',
  'hr',
]);

/** Resolves a URL against a base; null when it cannot be parsed. */
export function resolveUrl(raw: string, base: string): string | null {
  try {
    return new URL(raw.trim(), base).href;
  } catch {
    return null;
  }
}

/**
 * Reads an HTML page the way a linkback receiver or sender needs it: its
 * title, its visible text, and every URL-bearing element in document order
 * with the text position of its content. Markup inside HTML comments is
 * ignored (the parser reports comments separately), and nothing is executed
 * or rendered.
 */
export function readHtml(html: string, pageUrl: string): PageText {
  let base = pageUrl;
  let baseSeen = false;
  let title: string | null = null;
  let inTitle = false;
  let titleText = '';
  let hiddenDepth = 0;
  let text = '';
  const links: PageLink[] = [];
  /** Open URL-bearing elements whose text is still being read. */
  const open: { tag: string; link: PageLink }[] = [];

  const append = (chunk: string) => {
    const collapsed = chunk.replace(/\s+/g, ' ');
    if (!collapsed) return;
    if (collapsed.startsWith(' ') && (text === '' || text.endsWith(' '))) {
      text += collapsed.slice(1);
    } else text += collapsed;
  };
  const space = () => {
    if (text !== '' && !text.endsWith(' ')) text += ' ';
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'base' && attribs.href !== undefined && !baseSeen) {
          baseSeen = true;
          base = resolveUrl(attribs.href, pageUrl) ?? base;
        }
        if (name === 'title' && title === null) inTitle = true;
        if (HIDDEN.has(name)) hiddenDepth++;
        if (BLOCK.has(name)) space();
        const attribute = URL_ATTRIBUTES[name];
        const raw = attribute ? attribs[attribute] : undefined;
        if (raw !== undefined) {
          const link: PageLink = {
            tag: name,
            url: resolveUrl(raw, base),
            raw,
            rels: (attribs.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean),
            textStart: text.length,
            textEnd: text.length,
          };
          links.push(link);
          if (!VOID.has(name)) open.push({ tag: name, link });
        }
      },
      ontext(data) {
        if (inTitle) titleText += data;
        else if (hiddenDepth === 0) append(data);
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          title = titleText.replace(/\s+/g, ' ').trim() || null;
        }
        if (HIDDEN.has(name) && hiddenDepth > 0) hiddenDepth--;
        let index = open.length - 1;
        while (index >= 0 && open[index]!.tag !== name) index--;
        if (index !== -1) {
          const [entry] = open.splice(index, 1);
          entry!.link.textEnd = text.trimEnd().length;
        }
        if (BLOCK.has(name)) space();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { title, text: text.trim(), links };
}

/** A URL compared the way links are matched: parsed and re-serialized, fragment dropped. */
export function comparableUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}
