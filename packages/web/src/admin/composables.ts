import { computed } from 'vue';
import { useQuery } from '@vue/apollo-composable';
import { useSession } from './session';
import { AdminViewerDocument, type AdminViewerFragment } from './generated/graphql';

/** The signed-in viewer (from the cache the router's guard filled) and the site's name. */
export function useViewer() {
  const session = useSession();
  const { result, loading, error } = useQuery(AdminViewerDocument, null, () => ({
    fetchPolicy: 'cache-first',
    // Anonymous, there is no viewer to ask about.
    enabled: Boolean(session.state.token),
  }));
  const viewer = computed<AdminViewerFragment | null>(() => result.value?.viewer ?? null);
  const site = computed(() => result.value?.site ?? null);
  /** May the viewer do `action` at all (on their own posts at least)? From `viewer.permissions`. */
  const may = (action: string) =>
    viewer.value?.permissions.some((p) => p.action === action) ?? false;
  return { viewer, site, loading, error, may };
}

/**
 * Whether the API refused the operation for who the viewer is (FORBIDDEN):
 * asking again cannot help, so an error state offers no "Try again".
 */
export function isRefusal(error: unknown): boolean {
  const e = error as { graphQLErrors?: ReadonlyArray<{ extensions?: { code?: unknown } }> } | null;
  return Boolean(e?.graphQLErrors?.some((g) => g.extensions?.code === 'FORBIDDEN'));
}

/** The message of a failed operation, for an error state: the API's words, never a stack. */
export function errorMessage(error: unknown, fallback = 'Something went wrong.'): string {
  if (!error || typeof error !== 'object') return fallback;
  const e = error as {
    graphQLErrors?: ReadonlyArray<{ message: string }>;
    networkError?: { result?: { errors?: ReadonlyArray<{ message: string }> } } | null;
  };
  // An HTTP 4xx from the API carries its errors in the body: its words are the clearest.
  const errors = e.graphQLErrors?.length ? e.graphQLErrors : (e.networkError?.result?.errors ?? []);
  if (errors.length) return errors.map((g) => g.message).join(' ');
  if (e.networkError) return 'Could not reach the server. Check your connection and try again.';
  return fallback;
}
