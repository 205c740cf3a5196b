import type { ObjectLiteral } from 'typeorm';
import type { Database } from '../../db/database.js';
import { dbDate } from '../../db/dates.js';
import type { SqlParams } from '../../db/params.js';
import type { PostRow } from './entities.js';

/**
 * The one visibility rule: a reader sees a post when it is PUBLISHED and its
 * publication time has come (publishedAt <= now). Editors see the rest of
 * PUBLISHED as SCHEDULED, so the two always add up to every PUBLISHED post.
 * The forms below, in memory and in SQL, say the same; change them together.
 */

/** What editors see: SCHEDULED is a published post whose publication time has not come yet. */
export type EditorPostStatus = 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'TRASH';

type Dated = Pick<PostRow, 'status' | 'publishedAt'>;

/** Readers can see it at `now`. */
export function isVisible(post: Dated, now = new Date()): boolean {
  return post.status === 'PUBLISHED' && post.publishedAt !== null && post.publishedAt <= now;
}

export function editorStatus(post: Dated, now = new Date()): EditorPostStatus {
  if (post.status !== 'PUBLISHED') return post.status;
  return isVisible(post, now) ? 'PUBLISHED' : 'SCHEDULED';
}

/** A WHERE condition and its parameters, for `qb.andWhere(c.where, c.parameters)`. */
export interface Condition {
  where: string;
  parameters: ObjectLiteral;
}

/**
 * The SQL form of editorStatus for posts under `alias`: those whose editor
 * status is `status`, or every post but the trashed ones when `status` is
 * null. `on` tells how the database stores dates.
 */
export function editorStatusCondition(
  alias: string,
  status: EditorPostStatus | null | undefined,
  on: Pick<Database, 'kind'>,
  now = new Date(),
): Condition {
  // Parameter names carry the alias, so they cannot clash with the query's own.
  const p = `${alias}_visibility`;
  const published = `${alias}.status = :${p}_published`;
  const come = `${alias}.publishedAt <= :${p}_now`;
  const dated = { [`${p}_published`]: 'PUBLISHED', [`${p}_now`]: dbDate(on, now) };
  switch (status) {
    case 'PUBLISHED':
      return { where: `(${published} AND ${come})`, parameters: dated };
    case 'SCHEDULED':
      // NOT (… <= now) would miss a PUBLISHED post without a date: SQL's NULL is neither.
      return {
        where: `(${published} AND (${alias}.publishedAt IS NULL OR ${alias}.publishedAt > :${p}_now))`,
        parameters: dated,
      };
    case 'DRAFT':
    case 'TRASH':
      return { where: `${alias}.status = :${p}_status`, parameters: { [`${p}_status`]: status } };
    default:
      return { where: `${alias}.status <> :${p}_trash`, parameters: { [`${p}_trash`]: 'TRASH' } };
  }
}

/**
 * visibleCondition as the text of hand-written SQL (db/params.ts) over the
 * `posts` table under `alias`, its column names rather than properties.
 */
export function visibleSql(
  alias: string,
  p: SqlParams,
  on: Pick<Database, 'kind'>,
  now = new Date(),
): string {
  return `(${alias}.status = ${p.add('PUBLISHED')} AND ${alias}.published_at <= ${p.add(dbDate(on, now))})`;
}

/** The SQL form of isVisible: posts under `alias` that readers can see at `now`. */
export function visibleCondition(
  alias: string,
  on: Pick<Database, 'kind'>,
  now = new Date(),
): Condition {
  return editorStatusCondition(alias, 'PUBLISHED', on, now);
}
