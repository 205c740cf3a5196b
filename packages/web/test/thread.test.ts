import { describe, expect, it } from 'vitest';
import { toThread, withOwnComments, type OwnComment } from '../src/components/comments/thread';
import { comment, nestedThread } from './helpers';

const own = (
  id: string,
  parentId: string | null,
  status: OwnComment['status'] = 'PENDING',
): OwnComment => ({
  status,
  comment: {
    id,
    depth: parentId ? 1 : 0,
    authorName: 'Ann',
    authorUrl: null,
    content: '<p>Mine</p>',
    createdAt: '2024-01-01T00:00:00.000Z',
    byPostAuthor: false,
    parent: parentId ? { id: parentId } : null,
    replies: { edges: [] },
  },
});

describe('toThread', () => {
  it('flattens connections into a tree', () => {
    const fields = {
      depth: 0,
      authorName: 'A',
      authorUrl: null,
      content: '<p>x</p>',
      createdAt: '2024-01-01T00:00:00.000Z',
      byPostAuthor: false,
    };
    const tree = toThread({
      edges: [
        {
          node: {
            ...fields,
            id: 'a',
            replies: { edges: [{ node: { ...fields, id: 'b', depth: 1 } }] },
          },
        },
      ],
    });
    expect(tree).toEqual([
      comment({ ...fields, id: 'a', replies: [comment({ ...fields, id: 'b', depth: 1 })] }),
    ]);
  });
});

describe('withOwnComments', () => {
  it('appends own comments at the end and own replies under their parent', () => {
    const merged = withOwnComments(nestedThread(), [own('x', null), own('y', 'c3')]);
    expect(merged.map((c) => c.id)).toEqual(['c1', 'c4', 'x']);
    expect(merged[2]!.awaitingModeration).toBe(true);
    const c3 = merged[0]!.replies[0]!.replies[0]!;
    expect(c3.replies.map((c) => c.id)).toEqual(['y']);
  });

  it('does not change the input, and skips comments the thread already has', () => {
    const thread = nestedThread();
    const merged = withOwnComments(thread, [own('c4', null, 'APPROVED'), own('z', 'c1')]);
    expect(merged.map((c) => c.id)).toEqual(['c1', 'c4']);
    expect(merged[0]!.replies.map((c) => c.id)).toEqual(['c2', 'z']);
    expect(thread[0]!.replies.map((c) => c.id)).toEqual(['c2']);
  });

  it('puts a reply to an unknown parent at the end rather than losing it', () => {
    expect(withOwnComments([], [own('r', 'gone')]).map((c) => c.id)).toEqual(['r']);
  });
});
