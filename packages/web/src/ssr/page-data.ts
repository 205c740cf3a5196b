import type { PageState } from '../lib/page-state';

/** The element the server writes the page's data into (JSON, not a script that runs). */
export const PAGE_DATA_ID = 'colloquy-data';

/**
 * One query a server render ran, as the API answered it: the browser writes
 * it into its Apollo cache before the first render (src/apollo.ts), which
 * then reads what the server rendered with.
 */
export interface PageQueryResult {
  /** The operation's name, a key of PAGE_QUERIES (src/ssr/page-queries.ts). */
  query: string;
  /** With the operation's default values filled in. */
  variables: Record<string, unknown>;
  data: Record<string, unknown>;
}

export interface PageData {
  /** In the order the render ran them. */
  queries: PageQueryResult[];
  page: PageState;
}

/** The data the server rendered this page with, or null on a page without it. */
export function readPageData(doc: Document): PageData | null {
  const text = doc.getElementById(PAGE_DATA_ID)?.textContent;
  if (!text) return null;
  try {
    return JSON.parse(text) as PageData;
  } catch {
    return null;
  }
}
