import { ref } from 'vue';
import { errorMessage } from '../composables';

interface UserErrorLike {
  field?: string | null;
  message: string;
}

/**
 * What the queue's inline forms (reply, edit) share: a busy flag, and the
 * API's refusals split into those shown at one of `fields` and the rest,
 * shown above the buttons (a thread too deep, a comment deleted meanwhile).
 */
export function useInlineForm<F extends string>(fields: readonly F[]) {
  const busy = ref(false);
  const errors = ref<Partial<Record<F, string>>>({});
  const failure = ref<string | null>(null);

  /** Runs `send`, which resolves to the API's refusals (none: done). True once it succeeded. */
  async function submit(send: () => Promise<readonly UserErrorLike[]>): Promise<boolean> {
    busy.value = true;
    errors.value = {};
    failure.value = null;
    try {
      const refused = await send();
      const atFields: Partial<Record<F, string>> = {};
      const rest: string[] = [];
      for (const e of refused) {
        const field = fields.find((f) => f === e.field);
        if (field && !atFields[field]) atFields[field] = e.message;
        else rest.push(e.message);
      }
      errors.value = atFields;
      failure.value = rest.join(' ') || null;
      return refused.length === 0;
    } catch (e) {
      failure.value = errorMessage(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { busy, errors, failure, submit };
}
