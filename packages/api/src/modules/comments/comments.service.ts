import { In, type DataSource, type EntityManager } from 'typeorm';
import type { CommentRow, CommentStatus } from '../../db/entities.js';
import type { RunInTransaction } from '../../db/transactions.js';
import { assertReach } from '../../lib/access.js';
import { plainTextToHtml } from '../../lib/html.js';
import { assertCan, requireViewer } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import type { PostsService } from '../posts/posts.service.js';
import { LIMITS, messages } from './messages.js';
import { PUBLIC_COMMENT_COLUMNS, Thread, type CommentNode } from './thread.js';
import { validateCommentFields, type CommentFields, type UserError } from './validation.js';

export interface SubmitCommentInput {
  postId: string;
  parentId?: string | null;
  authorName: string;
  authorEmail: string;
  authorUrl?: string | null;
  content: string;
}

/** Who sent the request; kept with the comment for moderators, never published. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** A comment about to be stored, its fields already validated. */
export interface NewComment {
  postId: number;
  parentId: number | null;
  depth: number;
  fields: CommentFields;
  status: CommentStatus;
  meta: RequestMeta;
  userId: number | null;
  byPostAuthor: boolean;
}

export interface SubmitCommentResult {
  comment: CommentNode | null;
  status: CommentStatus | null;
  errors: UserError[];
}

/** Parses a GraphQL ID of ours (a positive integer); anything else is null. */
export function parseId(id: string | null | undefined): number | null {
  if (id == null || !/^[1-9]\d{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

export class CommentsService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      posts: PostsService;
      transaction: RunInTransaction;
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
   * Validates every field, then stores the comment: approved when the same
   * email already has an approved comment, pending otherwise. Nothing is
   * written when any check fails.
   */
  async submitComment(input: SubmitCommentInput, meta: RequestMeta): Promise<SubmitCommentResult> {
    const { value, errors } = validateCommentFields(input);
    const fail = (errs: UserError[]): SubmitCommentResult => ({
      comment: null,
      status: null,
      errors: errs,
    });

    const postId = parseId(input.postId);
    const post = postId === null ? null : await this.deps.posts.findPublishedById(postId);
    if (!post)
      errors.push({ field: 'postId', code: 'POST_NOT_FOUND', message: messages.postNotFound });
    else if (!post.commentsOpen)
      errors.push({ field: null, code: 'COMMENTS_CLOSED', message: messages.commentsClosed });

    let depth = 0;
    if (input.parentId != null && input.parentId !== '') {
      const parentId = parseId(input.parentId);
      const parent =
        parentId === null
          ? null
          : await this.repo.findOne({
              select: ['id', 'postId', 'depth', 'status'],
              where: { id: parentId },
            });
      // A parent that is not approved is reported as missing: its existence is not the visitor's to know.
      if (!parent || parent.status !== 'APPROVED') {
        errors.push({
          field: 'parentId',
          code: 'PARENT_NOT_FOUND',
          message: messages.parentNotFound,
        });
      } else if (post && parent.postId !== post.id) {
        errors.push({
          field: 'parentId',
          code: 'PARENT_OTHER_POST',
          message: messages.parentOtherPost,
        });
      } else if (parent.depth >= LIMITS.maxDepth) {
        errors.push({
          field: 'parentId',
          code: 'THREAD_TOO_DEEP',
          message: messages.threadTooDeep,
        });
      } else {
        depth = parent.depth + 1;
      }
    }
    if (errors.length > 0 || !post) return fail(errors);

    return this.deps.transaction(async (em) => {
      const repo = em.getRepository<CommentRow>('Comment');
      const known = await repo.exists({
        where: { authorEmail: value.authorEmail, status: 'APPROVED' },
      });
      const status: CommentStatus = known ? 'APPROVED' : 'PENDING';
      const comment = await this.insert(em, {
        postId: post.id,
        parentId: depth > 0 ? parseId(input.parentId) : null,
        depth,
        fields: value,
        status,
        meta,
        userId: null,
        byPostAuthor: false,
      });
      return { comment, status, errors: [] };
    });
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
    else if (parent.depth >= LIMITS.maxDepth)
      errors.push({ field: 'parentId', code: 'THREAD_TOO_DEEP', message: messages.threadTooDeep });
    if (post.status === 'TRASH')
      errors.push({ field: 'parentId', code: 'POST_IN_TRASH', message: messages.postInTrash });
    if (errors.length > 0) return { comment: null, errors };

    const node = await this.deps.transaction((em) =>
      this.insert(em, {
        postId: post.id,
        parentId: parent.id,
        depth: parent.depth + 1,
        fields: value,
        status: 'APPROVED',
        meta,
        userId: me.userId,
        byPostAuthor: me.authorId === post.authorId,
      }),
    );
    return { comment: await this.repo.findOneByOrFail({ id: node.id }), errors: [] };
  }

  /** Stores one comment: the one place comments are written, whoever writes them. */
  async insert(em: EntityManager, c: NewComment): Promise<CommentNode> {
    const repo = em.getRepository<CommentRow>('Comment');
    const row = await repo.save(
      repo.create({
        postId: c.postId,
        parentId: c.parentId,
        depth: c.depth,
        authorName: c.fields.authorName,
        authorEmail: c.fields.authorEmail,
        authorUrl: c.fields.authorUrl,
        contentText: c.fields.content,
        contentHtml: plainTextToHtml(c.fields.content),
        status: c.status,
        ip: c.meta.ip,
        userAgent: c.meta.userAgent?.slice(0, 255) ?? null,
        createdAt: new Date(),
        userId: c.userId,
        byPostAuthor: c.byPostAuthor,
      }),
    );
    return {
      id: row.id,
      postId: row.postId,
      parentId: row.parentId,
      depth: row.depth,
      authorName: row.authorName,
      authorUrl: row.authorUrl,
      contentHtml: row.contentHtml,
      createdAt: row.createdAt,
      status: row.status,
      byPostAuthor: row.byPostAuthor,
    };
  }
}

function notFound(field: string, message: string): UserError {
  return { field, code: 'NOT_FOUND', message };
}
