import { toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { pageTitle } from '../lib/title';

/** Keeps document.title in step with the page ("Post title — Site title"). */
export function useDocumentTitle(
  page: MaybeRefOrGetter<string | null | undefined>,
  site: MaybeRefOrGetter<string | null | undefined>,
): void {
  // The server writes <title> into the page itself (the API's shell).
  if (import.meta.env.SSR) return;
  watchEffect(() => {
    document.title = pageTitle(toValue(page), toValue(site));
  });
}
