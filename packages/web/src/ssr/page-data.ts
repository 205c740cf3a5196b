import type { NormalizedCacheObject } from '@apollo/client/core';
import type { PageState } from '../lib/page-state';

/** The element the server writes the page's data into (JSON, not a script that runs). */
export const PAGE_DATA_ID = 'colloquy-data';

export interface PageData {
  apollo: NormalizedCacheObject;
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
