import { expect } from 'vitest';
import type { CommentRow, CommentStatus } from '../../src/modules/comments/entities.js';
import type { SubmitCommentInput } from '../../src/modules/comments/comments.service.js';
import type { TestServer } from './server.js';

export interface UserError {
  field: string | null;
  code: string;
  message: string;
}

export interface CommentResult {
  id: string;
  depth: number;
  authorName: string;
  authorUrl: string | null;
  content: string;
  createdAt: string;
  parent: { id: string } | null;
  replies: { totalCount: number; edges: { node: { id: string } }[] };
}

export interface SubmitPayload {
  comment: CommentResult | null;
  status: CommentStatus | null;
  errors: UserError[];
}

export interface SubmitResponse {
  status: number;
  raw: string;
  data?: { submitComment: SubmitPayload };
  errors?: { message: string; extensions?: { code?: string } }[];
}

export const SUBMIT = `mutation($input: SubmitCommentInput!) {
  submitComment(input: $input) {
    comment { id depth authorName authorUrl content createdAt parent { id } replies { totalCount edges { node { id } } } }
    status
    errors { field code message }
  }
}`;

/**
 * submitComment over HTTP with assertions on what was (not) written.
 * `defaults` fills the fields a test leaves out; it runs once per submission.
 */
export function commentClient(server: () => TestServer, defaults: () => SubmitCommentInput) {
  const comments = () => server().repo<CommentRow>('Comment');
  const countComments = () => comments().count();

  /** POSTs submitComment with our own fetch, so headers can be set and the raw body read. */
  async function submit(
    input: Partial<SubmitCommentInput>,
    headers: Record<string, string> = {},
  ): Promise<SubmitResponse> {
    const full: SubmitCommentInput = { ...defaults(), ...input };
    const res = await fetch(`${server().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: SUBMIT, variables: { input: full } }),
    });
    const raw = await res.text();
    return {
      status: res.status,
      raw,
      ...(JSON.parse(raw) as Omit<SubmitResponse, 'status' | 'raw'>),
    };
  }

  /** Submits input that must be refused, and checks that nothing was written. */
  async function refused(input: Partial<SubmitCommentInput>): Promise<UserError[]> {
    const before = await countComments();
    const res = await submit(input);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    const payload = res.data!.submitComment;
    expect(payload.comment).toBeNull();
    expect(payload.status).toBeNull();
    expect(await countComments()).toBe(before);
    return payload.errors;
  }

  /** Submits input that must be accepted, and checks that exactly one row was written. */
  async function accepted(
    input: Partial<SubmitCommentInput>,
    headers?: Record<string, string>,
  ): Promise<{ payload: SubmitPayload; raw: string; row: CommentRow }> {
    const before = await countComments();
    const res = await submit(input, headers);
    expect(res.errors).toBeUndefined();
    const payload = res.data!.submitComment;
    expect(payload.errors).toEqual([]);
    expect(payload.comment).not.toBeNull();
    expect(await countComments()).toBe(before + 1);
    const row = await comments().findOneByOrFail({ id: Number(payload.comment!.id) });
    return { payload, raw: res.raw, row };
  }

  return { comments, countComments, submit, refused, accepted };
}
