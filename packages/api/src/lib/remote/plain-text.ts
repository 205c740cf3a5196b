import { htmlToText, truncateText } from '../html.js';

// Control characters other than white space have no business in a title or excerpt.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces halves of split surrogate pairs (String.prototype.toWellFormed is ES2024). */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Text that a remote site supplied, made safe to store and show as plain
 * text: markup stripped, control characters dropped, white space collapsed,
 * cut to `max` characters. Empty results are null.
 */
export function remoteText(value: string | null | undefined, max: number): string | null {
  if (value == null) return null;
  const text = htmlToText(wellFormed(value).replace(CONTROL, ' '));
  return text ? truncateText(text, max) : null;
}

/** Text that is already free of markup (e.g. a parsed page's text): only cleaned and cut. */
export function cleanText(value: string | null | undefined, max: number): string | null {
  if (value == null) return null;
  const text = wellFormed(value).replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return text ? truncateText(text, max) : null;
}

/** An http(s) URL, normalized, at most `max` characters; anything else is null. */
export function httpUrl(value: unknown, max = 2000): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.href.length <= max ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * WordPress-style excerpt: about `context` characters of text either side of
 * [start, end), cut at spaces, with "[…]" where text was left out.
 */
export function excerptAround(text: string, start: number, end: number, context = 100): string {
  let from = Math.max(0, start - context);
  let to = Math.min(text.length, end + context);
  if (from > 0) {
    const space = text.indexOf(' ', from);
    if (space !== -1 && space < start) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space >= end) to = space;
  }
  let out = wellFormed(text.slice(from, to).trim());
  if (from > 0) out = `[…] ${out}`;
  if (to < text.length) out = `${out} […]`;
  return out;
}
