import { computed } from 'vue';
import { SiteDocument } from '../generated/graphql';
import { DEFAULT_SITE_TITLE } from '../lib/title';
import { usePageQuery } from './usePageQuery';

/** Site title and tagline from the API, with a fallback while loading or offline. */
export function useSite() {
  const { result } = usePageQuery(SiteDocument);
  const title = computed(() => result.value?.site.title || DEFAULT_SITE_TITLE);
  const description = computed(() => result.value?.site.description ?? '');
  return { title, description };
}
