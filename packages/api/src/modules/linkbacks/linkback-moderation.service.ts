import type { DomainEvents } from '../../db/domain-events.js';
import type { Database } from '../../db/database.js';
import type { CommentStatus } from '../comments/entities.js';
import type { LinkbackRow } from './entities.js';
import {
  countByStatus,
  moderateInBulk,
  queueQuery,
  type ModeratedKind,
  type StatusCounts,
} from '../moderation/moderation.js';
import { pageNewestFirst, type Page, type PageArgs } from '../../lib/pagination.js';
import type { Viewer } from '../auth/viewer.js';
import type { UserError } from '../../lib/user-errors.js';
import type { PostsService } from '../posts/posts.service.js';
import { messages } from './messages.js';
import { setLinkbackStatus } from './store.js';

const LINKBACKS: ModeratedKind = {
  entity: 'Linkback',
  action: 'linkback:moderate',
  messages: {
    required: messages.idsRequired,
    tooMany: messages.tooManyIds,
    notFound: messages.someNotFound,
  },
  setStatus: async (em, ids, status) =>
    (await setLinkbackStatus(em, ids, status)).map((r) => ({ ...r, status: r.from })),
};

export interface LinkbackQueueArgs extends PageArgs {
  status?: CommentStatus | null;
  postId?: string | null;
}

/** The editors' side of linkbacks: the same queue and bulk moderation as comments, with linkback:moderate. */
export class LinkbackModerationService {
  constructor(private readonly deps: { db: Database; events: DomainEvents; posts: PostsService }) {}

  private async scope(viewer: Viewer | null, postId: string | null | undefined) {
    const { qb } = await queueQuery<LinkbackRow>(
      this.deps.db,
      (id) => this.deps.posts.findAnyById(id),
      LINKBACKS,
      viewer,
      postId,
    );
    return qb;
  }

  /** Newest first, of every status or of `status`. */
  async list(viewer: Viewer | null, args: LinkbackQueueArgs): Promise<Page<LinkbackRow>> {
    const qb = await this.scope(viewer, args.postId);
    if (args.status) qb.andWhere('x.status = :status', { status: args.status });
    return pageNewestFirst(qb, { time: 'x.createdAt', id: 'x.id' }, (l) => l.createdAt, args);
  }

  async counts(viewer: Viewer | null, postId: string | null | undefined): Promise<StatusCounts> {
    return countByStatus(await this.scope(viewer, postId));
  }

  /** All or nothing, as for comments. */
  async moderate(
    viewer: Viewer | null,
    ids: readonly string[],
    status: CommentStatus,
  ): Promise<{ linkbacks: LinkbackRow[]; errors: UserError[] }> {
    const { items, errors } = await moderateInBulk<LinkbackRow>(
      this.deps,
      LINKBACKS,
      viewer,
      ids,
      status,
    );
    return { linkbacks: items, errors };
  }
}
