import { useMutation } from '@vue/apollo-composable';
import { SubmitCommentDocument, type SubmitCommentInput } from '../generated/graphql';
import type { SubmitCommentResult } from '../components/comments/thread';

/**
 * Sends a comment. When it is approved at once, `onApproved` runs (the page
 * refetches) so the comment shows in the thread like any other.
 */
export function useSubmitComment(onApproved: () => Promise<unknown>) {
  const { mutate } = useMutation(SubmitCommentDocument);

  async function submitComment(input: SubmitCommentInput): Promise<SubmitCommentResult> {
    const response = await mutate({ input });
    const payload = response?.data?.submitComment;
    if (!payload) throw new Error('The server did not answer the comment submission.');
    if (payload.status === 'APPROVED' && payload.errors.length === 0) {
      // The comment is stored either way; a failed refetch only delays its
      // normal placement, and the submitter already sees it from the payload.
      await onApproved().catch(() => undefined);
    }
    return payload;
  }

  return { submitComment };
}
