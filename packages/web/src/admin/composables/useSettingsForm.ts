import { computed, onBeforeUnmount, onMounted, reactive, ref, watch, type Ref } from 'vue';
import { onBeforeRouteLeave } from 'vue-router';
import { errorMessage } from '../composables';

/** A form's values as its controls hold them: text, or a checkbox's state. */
export type FormValues = Record<string, string | boolean>;

/**
 * The text of the control an input or change event came from. The desk binds
 * `:value` and listens rather than using v-model: Vue's v-model directives
 * would be kept in the entry chunk every reader loads (test/bundle-budget.test.ts).
 */
export const textOf = (event: Event): string =>
  (event.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;

export interface FieldError {
  field?: string | null;
  code: string;
  message: string;
}

export interface SaveAnswer<T extends FormValues> {
  errors: readonly FieldError[];
  /** What the API now holds, as the form shows it; null when it refused. */
  values: T | null;
}

/**
 * A settings form (site, discussion): what is typed, what was last saved and
 * so whether anything is unsaved; Save sends only the fields that changed (an
 * absent field keeps its value, so another admin's change to another field
 * is not undone), puts each refused field's message at that field, and takes
 * the saved values back from the payload. Leaving with unsaved changes asks
 * first: the browser before leaving the page, the desk before leaving the screen.
 */
export function useSettingsForm<T extends FormValues>(options: {
  initial: T;
  /** What the API holds, as the form shows it, once the page's query has it. */
  current: () => T | null;
  send: (changed: Partial<T>) => Promise<SaveAnswer<T> | null | undefined>;
  /** What the confirmation asks before leaving unsaved changes. */
  leaveQuestion: string;
}) {
  const keys = Object.keys(options.initial) as (keyof T & string)[];
  const draft = reactive({ ...options.initial }) as T;
  const saved = ref({ ...options.initial }) as Ref<T>;
  const changed = computed(() => keys.filter((k) => draft[k] !== saved.value[k]));
  const dirty = computed(() => changed.value.length > 0);
  const fieldErrors = ref<Partial<Record<keyof T & string, string>>>({});
  const formError = ref<string | null>(null);
  const announcement = ref('');
  const busy = ref(false);

  /** Takes what the API holds as the saved state, and the form's. */
  function load(values: T) {
    saved.value = { ...values };
    Object.assign(draft, values);
  }

  watch(
    options.current,
    (values) => {
      // The API's copy replaces the form's only when nothing typed would be lost.
      if (values && !dirty.value) load(values);
    },
    { immediate: true },
  );

  async function save(): Promise<boolean> {
    fieldErrors.value = {};
    formError.value = null;
    // Emptied first, so that the same words said again are announced again.
    announcement.value = '';
    if (!dirty.value) {
      announcement.value = 'Nothing to save: no changes.';
      return true;
    }
    busy.value = true;
    try {
      const patch = Object.fromEntries(changed.value.map((k) => [k, draft[k]])) as Partial<T>;
      const answer = await options.send(patch);
      if (!answer) throw new Error('no answer');
      if (answer.errors.length || !answer.values) {
        const byField: Partial<Record<string, string>> = {};
        const other: string[] = [];
        for (const e of answer.errors) {
          if (e.field && keys.includes(e.field as keyof T & string))
            byField[e.field] = byField[e.field] ? `${byField[e.field]} ${e.message}` : e.message;
          else other.push(e.message);
        }
        fieldErrors.value = byField as Partial<Record<keyof T & string, string>>;
        formError.value = other.join(' ') || 'Some fields need attention: nothing was saved.';
        return false;
      }
      load(answer.values);
      announcement.value = 'Settings saved.';
      return true;
    } catch (e) {
      formError.value = errorMessage(e, 'Could not save. Try again.');
      return false;
    } finally {
      busy.value = false;
    }
  }

  const beforeUnload = (event: BeforeUnloadEvent) => {
    if (dirty.value) event.preventDefault();
  };
  onMounted(() => window.addEventListener('beforeunload', beforeUnload));
  onBeforeUnmount(() => window.removeEventListener('beforeunload', beforeUnload));
  onBeforeRouteLeave(() => !dirty.value || window.confirm(options.leaveQuestion));

  return { draft, saved, dirty, fieldErrors, formError, announcement, busy, load, save };
}
