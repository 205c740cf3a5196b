import { computed, markRaw } from 'vue';
import { useQuery } from '@vue/apollo-composable';
import { SiteDocument } from '../generated/graphql';
import { DEFAULT_SITE_TITLE } from '../lib/title';

// Raw, not a reactive proxy in useQuery's ref (see usePostPage.ts).
const SITE = markRaw(SiteDocument);

/** Site title and tagline from the API, with a fallback while loading or offline. */
export function useSite() {
  const { result } = useQuery(SITE);
  const title = computed(() => result.value?.site.title || DEFAULT_SITE_TITLE);
  const description = computed(() => result.value?.site.description ?? '');
  return { title, description };
}
