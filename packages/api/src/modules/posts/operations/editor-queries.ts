import type { PostRevisionRow, PostRow } from '../entities.js';
import { assertReach } from '../../auth/policy.js';
import {
  containsPattern,
  pageNewestFirst,
  type Page,
  type PageArgs,
} from '../../../lib/pagination.js';
import { assertCan, can } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { clean } from '../../../lib/text.js';
import { editorStatusCondition, type EditorPostStatus } from '../visibility.js';
import { loadPost, type PostEditorDeps } from './post-operation.js';

export interface EditorPostListArgs extends PageArgs {
  status?: EditorPostStatus | null;
  search?: string | null;
}

/** Any post, whatever its status; null for an unknown id. FORBIDDEN for posts the viewer may not read drafts of. */
export async function findForEditor(
  deps: Pick<PostEditorDeps, 'db'>,
  viewer: Viewer | null,
  id: string,
): Promise<PostRow | null> {
  assertReach(viewer, 'post:readDrafts');
  const post = await loadPost(deps.db, id);
  if (post) assertCan(viewer, 'post:readDrafts', { authorId: post.authorId });
  return post;
}

/** Every post the viewer may read drafts of (an AUTHOR: their own), most recently updated first. */
export async function listForEditor(
  deps: Pick<PostEditorDeps, 'db'>,
  viewer: Viewer | null,
  args: EditorPostListArgs,
): Promise<Page<PostRow>> {
  const { viewer: me, reach } = assertReach(viewer, 'post:readDrafts');
  const qb = deps.db.read.getRepository<PostRow>('Post').createQueryBuilder('p').where('1 = 1');
  if (reach === 'own') qb.andWhere('p.authorId = :me', { me: me.authorId });
  const status = editorStatusCondition('p', args.status, deps.db);
  qb.andWhere(status.where, status.parameters);
  const search = clean(args.search);
  if (search)
    qb.andWhere("LOWER(p.title) LIKE :search ESCAPE '\\'", { search: containsPattern(search) });
  return pageNewestFirst(qb, { time: 'p.updatedAt', id: 'p.id' }, (p) => p.updatedAt, args);
}

/** The editor-only face of a post (source, revisions): for those who may read its drafts or edit it. */
export function assertCanSeeSource(viewer: Viewer | null, post: PostRow): void {
  const subject = { authorId: post.authorId };
  if (!can(viewer, 'post:readDrafts', subject) && !can(viewer, 'post:edit', subject))
    assertCan(viewer, 'post:readDrafts', subject);
}

/** Revisions of a post, newest first. */
export function revisionsOf(
  deps: Pick<PostEditorDeps, 'db'>,
  viewer: Viewer | null,
  post: PostRow,
): Promise<PostRevisionRow[]> {
  assertCanSeeSource(viewer, post);
  return deps.db.read.getRepository<PostRevisionRow>('PostRevision').find({
    where: { postId: post.id },
    order: { createdAt: 'DESC', id: 'DESC' },
  });
}
