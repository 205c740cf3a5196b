import { ref, type Ref } from 'vue';
import { useMutation } from '@vue/apollo-composable';
import { useRouter } from 'vue-router';
import { errorMessage } from '../composables';
import { formatDateTime } from '../format';
import {
  CreatePostDocument,
  PublishPostDocument,
  RestorePostDocument,
  RestorePostRevisionDocument,
  TrashPostDocument,
  UnpublishPostDocument,
  UpdatePostDocument,
  type EditorPostFieldsFragment,
} from '../generated/graphql';
import { tagList, type usePostForm } from './usePostForm';

type Payload = {
  post?: EditorPostFieldsFragment | null;
  errors: { field?: string | null; message: string }[];
} | null;

/**
 * What the editor does to a post through the API: save (creating a new post
 * as a draft), publish or schedule, unpublish, trash, restore, restore a
 * revision. Each mutation's field errors go to their fields, the rest above
 * the form, and what it did is announced.
 */
export function usePostActions(id: Ref<string | null>, form: ReturnType<typeof usePostForm>) {
  const router = useRouter();
  const { draft, dirty, load } = form;
  const fieldErrors = ref<Record<string, string>>({});
  const formError = ref<string | null>(null);
  const announcement = ref('');
  const busy = ref(false);

  async function run(action: () => Promise<Payload | undefined>, done: string): Promise<boolean> {
    busy.value = true;
    fieldErrors.value = {};
    formError.value = null;
    try {
      const payload = await action();
      if (!payload) throw new Error('no answer');
      if (payload.errors.length) {
        const byField: Record<string, string> = {};
        const other: string[] = [];
        for (const e of payload.errors) {
          if (e.field)
            byField[e.field] = byField[e.field] ? `${byField[e.field]} ${e.message}` : e.message;
          else other.push(e.message);
        }
        fieldErrors.value = byField;
        formError.value = other.join(' ') || 'Some fields need attention: nothing was saved.';
        return false;
      }
      if (payload.post) load(payload.post);
      announcement.value = done;
      return true;
    } catch (e) {
      formError.value = errorMessage(e, 'Could not save. Try again.');
      return false;
    } finally {
      busy.value = false;
    }
  }

  const { mutate: create } = useMutation(CreatePostDocument);
  const { mutate: update } = useMutation(UpdatePostDocument);
  const { mutate: publish } = useMutation(PublishPostDocument);
  const { mutate: unpublish } = useMutation(UnpublishPostDocument);
  const { mutate: trash } = useMutation(TrashPostDocument);
  const { mutate: restore } = useMutation(RestorePostDocument);
  const { mutate: restoreRevision } = useMutation(RestorePostRevisionDocument);

  const input = () => ({
    title: draft.title,
    slug: draft.slug,
    content: draft.content,
    contentFormat: draft.contentFormat,
    excerpt: draft.excerpt,
    tags: tagList(draft.tags),
    commentsOpen: draft.commentsOpen,
    pingsOpen: draft.pingsOpen,
  });

  /** Saves what is typed; a new post is created (as a draft) and the address becomes its own. */
  async function save(): Promise<string | null> {
    if (id.value === null) {
      let createdId: string | null = null;
      const ok = await run(async () => {
        const payload = (await create({ input: input() }))?.data?.createPost ?? null;
        createdId = payload?.post?.id ?? null;
        return payload;
      }, 'Draft saved.');
      if (ok && createdId) await router.replace({ name: 'post-edit', params: { id: createdId } });
      return ok ? createdId : null;
    }
    if (!dirty.value) return id.value;
    const postId = id.value;
    const ok = await run(
      async () => (await update({ input: { id: postId, ...input() } }))?.data?.updatePost ?? null,
      'Saved.',
    );
    return ok ? postId : null;
  }

  /** Publishes now (`at` null) or at a time typed in a datetime-local field, saving first. */
  async function publishAt(at: string | null) {
    const postId = await save();
    if (!postId) return;
    let when: string | null = null;
    if (at !== null) {
      const date = new Date(at);
      if (!at || Number.isNaN(date.getTime())) {
        fieldErrors.value = { publishAt: 'Choose the date and time to publish at.' };
        return;
      }
      when = date.toISOString();
    }
    await run(
      async () => (await publish({ id: postId, publishAt: when }))?.data?.publishPost ?? null,
      when ? `Scheduled for ${formatDateTime(when)}.` : 'Published.',
    );
  }

  /** One of the mutations that take the post's id, when it has one. */
  const onPost = (action: (postId: string) => Promise<Payload | undefined>, done: string) =>
    id.value === null ? Promise.resolve(false) : run(() => action(id.value!), done);

  return {
    fieldErrors,
    formError,
    announcement,
    busy,
    save,
    publishAt,
    unpublish: () =>
      onPost(
        async (postId) => (await unpublish({ id: postId }))?.data?.unpublishPost ?? null,
        'Back to a draft.',
      ),
    trash: () =>
      onPost(
        async (postId) => (await trash({ id: postId }))?.data?.trashPost ?? null,
        'Moved to the trash.',
      ),
    restore: () =>
      onPost(
        async (postId) => (await restore({ id: postId }))?.data?.restorePost ?? null,
        'Restored as a draft.',
      ),
    restoreRevision: (revisionId: string) =>
      run(
        async () => (await restoreRevision({ revisionId }))?.data?.restorePostRevision ?? null,
        'Revision restored.',
      ),
  };
}
