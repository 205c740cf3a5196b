import { tags } from '../../db/changes.js';
import type { DomainEvents } from '../../db/domain-events.js';
import { updateOne, type Database } from '../../db/database.js';
import { Brackets, In } from 'typeorm';
import type { CommentRow, CommentStatus } from './entities.js';
import type { PostRow } from '../posts/entities.js';
import { assertReach } from '../auth/policy.js';
import { plainTextToHtml } from '../../lib/html.js';
import {
  countByStatus,
  moderateInBulk,
  queueQuery,
  type ModeratedKind,
  type StatusCounts,
} from '../moderation/moderation.js';
import {
  containsPattern,
  pageNewestFirst,
  type Page,
  type PageArgs,
} from '../../lib/pagination.js';
import { assertCan, reach } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import type { PostsService } from '../posts/posts.service.js';
import { parseId } from '../../lib/ids.js';
import { messages } from './messages.js';
import { validateCommentFields } from './validation.js';
import { dbKindOf, lockThreads, setCommentStatus } from './counters.js';
import { SqlParams } from '../../db/params.js';
import type { UserError } from '../../lib/user-errors.js';

export interface ModerationFilter {
  postId?: string | null;
  search?: string | null;
}

export interface ModerationListArgs extends ModerationFilter, PageArgs {
  status?: CommentStatus | null;
}

export interface EditCommentInput {
  id: string;
  content: string;
  authorName: string;
  authorUrl?: string | null;
}

const COMMENTS: ModeratedKind = {
  entity: 'Comment',
  // The thread counters move with the statuses, in the same unit of work.
  setStatus: setCommentStatus,
  action: 'comment:moderate',
  messages: {
    required: messages.idsRequired,
    tooMany: messages.tooManyIds,
    notFound: messages.someCommentsNotFound,
  },
};

/**
 * The editors' side of comments: the moderation queue, bulk status changes,
 * edits and deletion. Every check asks the policy module about the post's
 * author; an AUTHOR sees and moderates only the comments on their own posts.
 */
export class CommentModerationService {
  constructor(
    private readonly deps: {
      db: Database;
      events: DomainEvents;
      posts: PostsService;
    },
  ) {}

  private get repo() {
    return this.deps.db.read.getRepository<CommentRow>('Comment');
  }

  /** The queue: newest first, filtered by status, post and text (name, email, content). */
  async list(viewer: Viewer | null, args: ModerationListArgs): Promise<Page<CommentRow>> {
    const qb = await this.scope(viewer, args);
    if (args.status) qb.andWhere('x.status = :status', { status: args.status });
    return pageNewestFirst(qb, { time: 'x.createdAt', id: 'x.id' }, (c) => c.createdAt, args);
  }

  /** How many comments of each status match the same filters as the queue. */
  async counts(viewer: Viewer | null, filter: ModerationFilter): Promise<StatusCounts> {
    return countByStatus(await this.scope(viewer, filter));
  }

  /** The queue's query, narrowed by the search text. */
  private async scope(viewer: Viewer | null, filter: ModerationFilter) {
    const { qb, viewer: me } = await queueQuery<CommentRow>(
      this.deps.db,
      (id) => this.deps.posts.findAnyById(id),
      COMMENTS,
      viewer,
      filter.postId,
    );
    const search = (filter.search ?? '').trim();
    if (search) {
      const q = containsPattern(search);
      // Emails are searched only by those who may read them.
      const byEmail = reach(me, 'comment:readPrivate') !== 'none';
      qb.andWhere(
        new Brackets((w) => {
          w.where("LOWER(x.authorName) LIKE :q ESCAPE '\\'", { q }).orWhere(
            "LOWER(x.contentText) LIKE :q ESCAPE '\\'",
            { q },
          );
          if (byEmail) w.orWhere("LOWER(x.authorEmail) LIKE :q ESCAPE '\\'", { q });
        }),
      );
    }
    return qb;
  }

  /** A private field (email, website, IP, user agent): FORBIDDEN without comment:readPrivate on the post. */
  readPrivate<T>(viewer: Viewer | null, post: PostRow, value: T): T {
    assertCan(viewer, 'comment:readPrivate', { authorId: post.authorId });
    return value;
  }

  /** Sets the status of every comment given; all or nothing (see moderateInBulk). */
  async moderate(
    viewer: Viewer | null,
    ids: readonly string[],
    status: CommentStatus,
  ): Promise<{ comments: CommentRow[]; errors: UserError[] }> {
    const { items, errors } = await moderateInBulk<CommentRow>(
      this.deps,
      COMMENTS,
      viewer,
      ids,
      status,
    );
    return { comments: items, errors };
  }

  /** Corrects a comment's text, name or website, with the same checks as a submission. */
  async edit(
    viewer: Viewer | null,
    input: EditCommentInput,
  ): Promise<{ comment: CommentRow | null; errors: UserError[] }> {
    const found = await this.load(viewer, input.id);
    if ('errors' in found) return { comment: null, errors: found.errors };
    const { comment } = found;
    const { value, errors } = validateCommentFields({
      authorName: input.authorName,
      // The email is not edited here; it is passed only so that the shared checks pass.
      authorEmail: comment.authorEmail,
      authorUrl: input.authorUrl,
      content: input.content,
    });
    if (errors.length > 0) return { comment: null, errors };
    const saved = await this.deps.db.write((em) => {
      this.deps.db.changed(tags.post(comment.postId), tags.comments);
      // Only what is edited: a moderation committed meanwhile keeps its status.
      return updateOne<CommentRow>(em, 'Comment', comment.id, {
        authorName: value.authorName,
        authorUrl: value.authorUrl,
        contentText: value.content,
        contentHtml: plainTextToHtml(value.content),
      });
    });
    return { comment: saved, errors: [] };
  }

  /**
   * Deletes a trashed comment for good, with its replies (readers could not
   * see them anyway: a reply is shown only under a visible parent).
   */
  async delete(
    viewer: Viewer | null,
    id: string,
  ): Promise<{ deletedIds: number[]; errors: UserError[] }> {
    const found = await this.load(viewer, id);
    if ('errors' in found) return { deletedIds: [], errors: found.errors };
    const { comment } = found;
    if (comment.status !== 'TRASH')
      return {
        deletedIds: [],
        errors: [{ field: 'id', code: 'NOT_IN_TRASH', message: messages.notInTrash }],
      };
    return this.deps.db.write(async (em) => {
      // From the trash, with replies only shown under it: readers saw none of them.
      this.deps.db.changed();
      // Under the thread's lock, still in the trash: then none of it counts anywhere
      // (a reader reaches no reply of a trashed comment), and no counter moves.
      await lockThreads(em, [comment.postId]);
      const repo = em.getRepository<CommentRow>('Comment');
      const now = await repo.findOne({ select: ['id', 'status'], where: { id: comment.id } });
      if (now?.status !== 'TRASH')
        return {
          deletedIds: [],
          errors: [{ field: 'id', code: 'NOT_IN_TRASH', message: messages.notInTrash }],
        };
      // The comment and every reply below it, nearest first: bounded by the subtree.
      const p = new SqlParams(dbKindOf(em));
      const rows = (await em.query(
        `WITH RECURSIVE sub(id, hops) AS (
           SELECT id, 0 FROM comments WHERE id = ${p.add(comment.id)}
           UNION ALL
           SELECT c.id, sub.hops + 1 FROM sub JOIN comments c ON c.parent_id = sub.id
         )
         SELECT id FROM sub ORDER BY hops, id`,
        p.values,
      )) as { id: number }[];
      const deleted = rows.map((r) => Number(r.id));
      await repo.delete({ id: In(deleted) });
      return { deletedIds: deleted, errors: [] };
    });
  }

  /** One comment the viewer may moderate: NOT_FOUND as a UserError, FORBIDDEN as an error. */
  private async load(
    viewer: Viewer | null,
    idInput: string,
  ): Promise<{ comment: CommentRow } | { errors: UserError[] }> {
    assertReach(viewer, 'comment:moderate');
    const id = parseId(idInput);
    const comment = id === null ? null : await this.repo.findOneBy({ id });
    const post = comment ? await this.deps.posts.findAnyById(comment.postId) : null;
    if (!comment || !post)
      return { errors: [{ field: 'id', code: 'NOT_FOUND', message: messages.commentNotFound }] };
    assertCan(viewer, 'comment:moderate', { authorId: post.authorId });
    return { comment };
  }
}
