import { useApolloClient } from '@vue/apollo-composable';
import { onBeforeUnmount, onMounted, shallowRef, toValue, type MaybeRefOrGetter } from 'vue';
import { findComment, LOADED_LEVELS, type ThreadComment } from '../components/comments/thread';
import type { LiveCommentFragment } from '../generated/live';
import type * as LiveComments from '../lib/live-comments';

type LiveModule = typeof LiveComments;

/**
 * Comments approved on the post while its page is open, waiting for the
 * reader to ask for them ("2 new comments — show"): the thread does not move
 * under their eyes. Shown, they are written into the Apollo cache as a
 * submitted comment is (comment-cache.ts), a reply under its parent. One
 * whose parent is not on this page, or that is on it already, is left out.
 *
 * The WebSocket client (lib/live-comments.ts) is imported once the section
 * is mounted (hydrated) and the browser is idle; never on the server.
 */
export function useLiveComments(options: {
  postId: MaybeRefOrGetter<string>;
  thread: MaybeRefOrGetter<readonly ThreadComment[]>;
}) {
  const { resolveClient } = useApolloClient();
  const waiting = shallowRef<readonly LiveCommentFragment[]>([]);
  let live: LiveModule | null = null;
  let stop: (() => void) | null = null;
  let unmounted = false;

  const known = (id: string) =>
    findComment(toValue(options.thread), id) !== null || waiting.value.some((c) => c.id === id);

  function arrived(comment: LiveCommentFragment): void {
    if (known(comment.id) || comment.depth >= LOADED_LEVELS) return;
    if (comment.parent && !known(comment.parent.id)) return;
    waiting.value = [...waiting.value, comment];
  }

  function show(): void {
    if (!live) return;
    live.showComments(resolveClient().cache, toValue(options.postId), waiting.value);
    waiting.value = [];
  }

  onMounted(() => {
    const start = () => {
      import('../lib/live-comments')
        .then((loaded) => {
          if (unmounted) return;
          live = loaded;
          stop = loaded.followComments(resolveClient().cache, toValue(options.postId), arrived);
        })
        .catch(() => {});
    };
    if ('requestIdleCallback' in window) requestIdleCallback(start, { timeout: 2000 });
    else setTimeout(start, 200);
  });
  onBeforeUnmount(() => {
    unmounted = true;
    stop?.();
  });

  return { waiting, show };
}
