import { In, type DataSource } from 'typeorm';
import type { CommentRow, CommentStatus } from '../../db/entities.js';
import type { UserError } from '../../lib/user-errors.js';
import type { DiscussionSettings } from '../discussion/discussion-settings.js';
import type { CommentPipeline, CommentSubmission, RequestMeta } from './pipeline.js';
import { PUBLIC_COMMENT_COLUMNS, Thread, type CommentNode } from './thread.js';

export { parseId } from './pipeline.js';
export type { RequestMeta };
export type SubmitCommentInput = CommentSubmission;

export interface SubmitCommentResult {
  comment: CommentNode | null;
  status: CommentStatus | null;
  errors: UserError[];
}

export class CommentsService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      pipeline: CommentPipeline;
    },
  ) {}

  private get repo() {
    return this.deps.dataSource.getRepository<CommentRow>('Comment');
  }

  /** Approved comments of each post, in one statement. */
  async threadsByPostIds(postIds: readonly number[]): Promise<Map<number, Thread>> {
    const rows = (await this.repo.find({
      select: [...PUBLIC_COMMENT_COLUMNS],
      where: { postId: In([...postIds]), status: 'APPROVED' },
      order: { createdAt: 'ASC', id: 'ASC' },
    })) as CommentNode[];
    const byPost = new Map<number, CommentNode[]>();
    for (const row of rows) {
      const list = byPost.get(row.postId) ?? [];
      list.push(row);
      byPost.set(row.postId, list);
    }
    return new Map(postIds.map((id) => [id, new Thread(byPost.get(id) ?? [])]));
  }

  /**
   * A visitor's comment, through every rule of the comment pipeline
   * (pipeline.ts). Nothing is written when any check fails. A comment stored
   * as spam reads as PENDING here: the sender is not told what we think of it.
   */
  async submitComment(
    input: SubmitCommentInput,
    meta: RequestMeta,
    settings: DiscussionSettings,
  ): Promise<SubmitCommentResult> {
    const { row, errors } = await this.deps.pipeline.submit(input, meta, settings);
    if (!row) return { comment: null, status: null, errors };
    const comment: CommentNode = {
      id: row.id,
      postId: row.postId,
      parentId: row.parentId,
      depth: row.depth,
      authorName: row.authorName,
      authorUrl: row.authorUrl,
      contentHtml: row.contentHtml,
      createdAt: row.createdAt,
      status: row.status,
    };
    return { comment, status: row.status === 'SPAM' ? 'PENDING' : row.status, errors: [] };
  }
}
