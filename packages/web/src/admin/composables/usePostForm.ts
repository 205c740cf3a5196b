import { computed, reactive, ref } from 'vue';
import type { ContentFormat, EditorPostFieldsFragment } from '../generated/graphql';

export interface PostDraft {
  title: string;
  slug: string;
  contentFormat: ContentFormat;
  content: string;
  excerpt: string;
  /** Comma-separated, as typed. */
  tags: string;
  commentsOpen: boolean;
  pingsOpen: boolean;
}

const EMPTY: PostDraft = {
  title: '',
  slug: '',
  contentFormat: 'MARKDOWN',
  content: '',
  excerpt: '',
  tags: '',
  commentsOpen: true,
  pingsOpen: true,
};

export function draftOf(post: EditorPostFieldsFragment): PostDraft {
  return {
    title: post.title,
    slug: post.slug,
    contentFormat: post.contentFormat ?? 'HTML',
    content: post.contentSource ?? '',
    excerpt: post.excerpt,
    tags: post.tags.map((t) => t.name).join(', '),
    commentsOpen: post.commentsOpen,
    pingsOpen: post.pingsOpen,
  };
}

export const tagList = (tags: string) =>
  tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** The editor's form: what is typed, what was last saved, and so whether anything is unsaved. */
export function usePostForm() {
  const draft = reactive<PostDraft>({ ...EMPTY });
  const saved = ref<PostDraft>({ ...EMPTY });
  const dirty = computed(() =>
    (Object.keys(draft) as (keyof PostDraft)[]).some((k) => draft[k] !== saved.value[k]),
  );
  /** Takes what the API now holds as the saved state (and the form's, unless `keepTyping`). */
  function load(post: EditorPostFieldsFragment) {
    const next = draftOf(post);
    saved.value = next;
    Object.assign(draft, next);
  }
  return { draft, saved, dirty, load };
}
