import { tags } from '../../db/changes.js';
import type { DomainEvents } from '../../db/domain-events.js';
import type { Database } from '../../db/database.js';
import { In } from 'typeorm';
import type { CommentRow, CommentStatus } from './entities.js';
import { assertReach } from '../auth/policy.js';
import type { UserError } from '../../lib/user-errors.js';
import { assertCan, requireViewer } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import type { DiscussionSettings } from '../discussion/discussion-settings.js';
import type { PostsService } from '../posts/posts.service.js';
import { messages } from './messages.js';
import type { CommentPipeline, CommentSubmission } from './pipeline.js';
import { parseId } from '../../lib/ids.js';
import type { RequestMeta } from '../../lib/request-meta.js';
import { createdEvents, insertCommentRow, newCommentRow, toCommentNode } from './store.js';
import { PUBLIC_COMMENT_COLUMNS, type CommentNode } from './thread.js';
import { validateCommentFields } from './validation.js';

export type SubmitCommentInput = CommentSubmission;

export interface SubmitCommentResult {
  comment: CommentNode | null;
  status: CommentStatus | null;
  errors: UserError[];
}

export class CommentsService {
  constructor(
    private readonly deps: {
      db: Database;
      events: DomainEvents;
      pipeline: CommentPipeline;
      posts: PostsService;
    },
  ) {}

  private get repo() {
    return this.deps.db.read.getRepository<CommentRow>('Comment');
  }

  /**
   * The comments of a post, among these ids, that still await moderation
   * (pending, or filed as spam: their sender was told "pending"), oldest
   * first. For the submitter's own view: the ids come from their signed cookie.
   */
  async ownPending(postId: number, ids: readonly number[]): Promise<CommentNode[]> {
    if (ids.length === 0) return [];
    return (await this.repo.find({
      select: [...PUBLIC_COMMENT_COLUMNS],
      where: { id: In([...ids]), postId, status: In(['PENDING', 'SPAM']) },
      order: { createdAt: 'ASC', id: 'ASC' },
    })) as CommentNode[];
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
    const comment = toCommentNode(row);
    return { comment, status: row.status === 'SPAM' ? 'PENDING' : row.status, errors: [] };
  }

  /**
   * Replies from the moderation queue, as the signed-in viewer: approved at
   * once, marked byPostAuthor when the viewer wrote the post. The parent may
   * be any comment the viewer may moderate that readers can see (approved).
   */
  async replyAsAuthor(
    viewer: Viewer | null,
    parentIdInput: string,
    content: string,
    meta: RequestMeta,
    settings: DiscussionSettings,
  ): Promise<{ comment: CommentRow | null; errors: UserError[] }> {
    const me = requireViewer({ viewer });
    const parentId = parseId(parentIdInput);
    const parent = parentId === null ? null : await this.repo.findOneBy({ id: parentId });
    const post = parent ? await this.deps.posts.findAnyById(parent.postId) : null;
    if (!parent || !post) {
      assertReach(viewer, 'comment:moderate');
      return { comment: null, errors: [notFound('parentId', messages.commentNotFound)] };
    }
    assertCan(viewer, 'comment:moderate', { authorId: post.authorId });

    const author = (await this.deps.posts.authorsByIds([me.authorId])).get(me.authorId);
    const { value, errors } = validateCommentFields({
      authorName: author?.name ?? me.displayName,
      authorEmail: me.email,
      authorUrl: author?.url ?? null,
      content,
    });
    if (parent.status !== 'APPROVED')
      errors.push({
        field: 'parentId',
        code: 'PARENT_NOT_APPROVED',
        message: messages.replyNeedsApprovedParent,
      });
    else if (parent.depth >= settings.threadDepth - 1)
      errors.push({ field: 'parentId', code: 'THREAD_TOO_DEEP', message: messages.threadTooDeep });
    if (post.status === 'TRASH')
      errors.push({ field: 'parentId', code: 'POST_IN_TRASH', message: messages.postInTrash });
    if (errors.length > 0) return { comment: null, errors };

    const row = newCommentRow({
      postId: post.id,
      parentId: parent.id,
      depth: parent.depth + 1,
      fields: value,
      status: 'APPROVED',
      moderationReason: null,
      meta,
      userId: me.userId,
      byPostAuthor: me.authorId === post.authorId,
    });
    const stored = await this.deps.db.write(async (em) => {
      this.deps.db.changed(tags.post(post.id), tags.comments);
      const inserted = await insertCommentRow(em, { ...row, createdAt: new Date() });
      await this.deps.events.emit(...createdEvents(inserted));
      return inserted;
    });
    return { comment: stored, errors: [] };
  }
}

function notFound(field: string, message: string): UserError {
  return { field, code: 'NOT_FOUND', message };
}
