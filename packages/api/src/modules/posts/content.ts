import { Marked } from 'marked';
import type { ContentFormat } from './entities.js';
import { htmlToText, sanitizePostHtml, truncateText } from '../../lib/html.js';

// One instance with its own options: marked's global defaults are shared by
// everything in the process.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

/**
 * Renders what an editor wrote into the HTML readers get. Markdown is
 * rendered first (raw HTML inside it included) and the result sanitized, so
 * a `<script>` never survives either path.
 */
export function renderPostContent(source: string, format: ContentFormat): string {
  const html = format === 'MARKDOWN' ? (markdown.parse(source) as string) : source;
  return sanitizePostHtml(html);
}

export const GENERATED_EXCERPT_LENGTH = 200;

/** The excerpt a post gets when its editor gives none: the start of its text. */
export function excerptFrom(html: string): string {
  return truncateText(htmlToText(html), GENERATED_EXCERPT_LENGTH);
}
