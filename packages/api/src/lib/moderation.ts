import { In, type DataSource } from 'typeorm';
import type { CommentStatus } from '../db/entities.js';
import { assertCan } from '../modules/auth/policy.js';
import type { Viewer } from '../modules/auth/viewer.js';
import { parseId } from '../modules/comments/comments.service.js';
import type { UserError } from '../modules/comments/validation.js';
import { assertReach } from './access.js';

/** Most ids one bulk moderation takes. */
export const MAX_BULK = 100;

/** Something moderated in bulk: comments or linkbacks (both have a post and a status). */
export interface ModeratedKind {
  entity: 'Comment' | 'Linkback';
  action: 'comment:moderate' | 'linkback:moderate';
  messages: { required: string; tooMany: string; notFound: string };
}

type Moderated = { id: number; status: CommentStatus };

/**
 * Bulk status changes, all or nothing: every id must exist (else a
 * NOT_FOUND UserError) and be the viewer's to moderate (else FORBIDDEN for
 * the whole request); then one statement moves them all.
 */
export async function moderateInBulk<T extends Moderated>(
  ds: DataSource,
  kind: ModeratedKind,
  viewer: Viewer | null,
  idsInput: readonly string[],
  status: CommentStatus,
): Promise<{ items: T[]; errors: UserError[] }> {
  assertReach(viewer, kind.action);
  const fail = (code: string, message: string) => ({
    items: [],
    errors: [{ field: 'ids', code, message }],
  });
  const ids = [...new Set(idsInput.map(parseId))];
  if (ids.length === 0) return fail('REQUIRED', kind.messages.required);
  if (ids.length > MAX_BULK) return fail('TOO_MANY', kind.messages.tooMany);
  const known = ids.filter((id): id is number => id !== null);
  const owners =
    known.length === 0
      ? []
      : await ds
          .getRepository<Moderated & { postId: number }>(kind.entity)
          .createQueryBuilder('x')
          .innerJoin('Post', 'p', 'p.id = x.postId')
          .select('p.authorId', 'authorId')
          .where('x.id IN (:...ids)', { ids: known })
          .getRawMany<{ authorId: number | string }>();
  if (owners.length !== ids.length) return fail('NOT_FOUND', kind.messages.notFound);
  for (const { authorId } of owners) assertCan(viewer, kind.action, { authorId: Number(authorId) });

  const repo = ds.getRepository<Moderated>(kind.entity);
  await repo.update({ id: In(known) }, { status });
  const items = await repo.find({ where: { id: In(known) }, order: { id: 'ASC' } });
  return { items: items as T[], errors: [] };
}
