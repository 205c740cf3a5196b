import { Parser } from 'htmlparser2';
import { escapeHtml } from '../../lib/html.js';

/**
 * WordPress's stored post content made into the HTML a Colloquy post holds
 * (before the publishing sanitizer, which runs after this): block-editor
 * comments removed, the common shortcodes converted or stripped, and the
 * classic editor's paragraphs (blank lines, which WordPress turns into <p>
 * only when it shows a post) made explicit.
 */

/** What the conversion did that an operator may want to know about, by kind. */
export type ContentNotes = Map<string, number>;

const note = (notes: ContentNotes, what: string) => notes.set(what, (notes.get(what) ?? 0) + 1);

const BLOCK_COMMENT = /<!--\s*\/?wp:[\s\S]*?-->/g;
const BLOCK_START =
  /^<(?:p|h[1-6]|ul|ol|li|dl|blockquote|pre|figure|table|div|hr|section|article|aside|header|footer|address|form|details|iframe)[\s/>]/i;

/** Attributes of a shortcode's opening tag: name="value", name='value', name=value. */
function shortcodeAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g)) {
    attrs[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return attrs;
}

const linkTo = (url: string) => `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`;

function convertShortcodes(html: string, notes: ContentNotes): string {
  // [caption]: the image (maybe inside a link) and its caption text, as a figure.
  let out = html.replace(
    /\[caption([^\]]*)\]([\s\S]*?)\[\/caption\]/gi,
    (_, attrText: string, inner: string) => {
      note(notes, '[caption] converted to a figure');
      const media = /^\s*((?:<a [^>]*>\s*)?<img [^>]*>(?:\s*<\/a>)?)([\s\S]*)$/i.exec(inner);
      const caption =
        (media ? media[2]! : '').trim() || shortcodeAttributes(attrText).caption || '';
      const image = media ? media[1]! : inner;
      return `<figure>${image}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
    },
  );
  // [embed]url[/embed] and bare media shortcodes: a link to what they showed.
  out = out.replace(/\[embed[^\]]*\]\s*(\S+?)\s*\[\/embed\]/gi, (_, url: string) => {
    note(notes, '[embed] converted to a link');
    return linkTo(url);
  });
  out = out.replace(
    /\[(video|audio)([^\]]*)\](?:([\s\S]*?)\[\/\1\])?/gi,
    (_, name: string, attrText: string) => {
      const attrs = shortcodeAttributes(attrText);
      const src = attrs.src ?? attrs.mp4 ?? attrs.mp3 ?? attrs.webm ?? attrs.ogg ?? '';
      note(notes, `[${name.toLowerCase()}] converted to a link`);
      return src ? linkTo(src) : '';
    },
  );
  // [gallery] and [playlist] show attachments, which are not imported.
  out = out.replace(/\[(gallery|playlist)[^\]]*\]/gi, (_, name: string) => {
    note(notes, `[${name.toLowerCase()}] removed (attachments are not imported)`);
    return '';
  });
  // Any other shortcode with a closing tag (a plugin's): its content stays, its tags go.
  out = out.replace(
    /\[([a-z][\w-]*)(?:\s[^\]]*)?\]([\s\S]*?)\[\/\1\]/gi,
    (_, name: string, inner: string) => {
      note(notes, `[${name.toLowerCase()}] stripped`);
      return inner;
    },
  );
  return out;
}

/** WordPress's wpautop, in short: blank lines separate paragraphs, single newlines are breaks. */
function autop(html: string): string {
  const chunks = html
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((chunk) => chunk.trim())
    .filter(Boolean);
  // HTML that is all blocks already (an export of Colloquy's, say) is left as it is.
  if (chunks.every((chunk) => BLOCK_START.test(chunk))) return html.trim();
  return chunks
    .map((chunk) => (BLOCK_START.test(chunk) ? chunk : `<p>${chunk.replace(/\n/g, '<br>\n')}</p>`))
    .join('\n');
}

/** A WordPress post's content as the HTML to store (still to be sanitized), and what was done to it. */
export function convertPostContent(content: string, notes: ContentNotes): string {
  const blocks = BLOCK_COMMENT.test(content);
  BLOCK_COMMENT.lastIndex = 0;
  let html = content.replace(BLOCK_COMMENT, '');
  if (blocks) note(notes, 'block-editor markup removed');
  html = convertShortcodes(html, notes);
  // Block-editor content already has its paragraphs; the blank lines between blocks go
  // (so that an export of it, read again as classic content, stays as it is).
  return blocks
    ? html
        .split(/\n\s*\n/)
        .map((chunk) => chunk.trim())
        .filter(Boolean)
        .join('\n')
    : autop(html);
}

const BREAKS = new Set(['br']);
const PARAGRAPH_ENDS = new Set('p div blockquote li pre h1 h2 h3 h4 h5 h6'.split(' '));
const SKIPPED = new Set(['script', 'style']);

/**
 * A comment's stored HTML (WordPress keeps comments as limited HTML) as the
 * plain text a Colloquy comment holds: tags dropped, entities decoded,
 * paragraphs kept as blank lines; script and style contents dropped.
 * Colloquy renders comments from plain text, so nothing of the markup can
 * reach a reader.
 */
export function commentText(html: string): string {
  let out = '';
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipping++;
        else if (BREAKS.has(name)) out += '\n';
      },
      ontext(text) {
        if (skipping === 0) out += text;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
        else if (PARAGRAPH_ENDS.has(name)) out += '\n\n';
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A single line of text from HTML-ish text (a pingback's author, a title): entities decoded, tags dropped. */
export function lineText(html: string): string {
  return commentText(html).replace(/\s+/g, ' ').trim();
}
