import type { EntityManager } from 'typeorm';
import { tags } from '../../db/changes.js';
import type { Database } from '../../db/database.js';
import { parseDbDate } from '../../db/dates.js';
import { SqlParams } from '../../db/params.js';
import type { ErasureMode, PersonalDataSource } from '../module.js';
import { dbKindOf, lockThreads, recountThreads } from './counters.js';
import type { CommentStatus } from './entities.js';

/** One comment in a person's export: everything stored with it. */
export interface PersonalComment {
  id: number;
  post: { id: number; slug: string; title: string };
  parentId: number | null;
  status: CommentStatus;
  authorName: string;
  authorEmail: string;
  authorUrl: string | null;
  content: string;
  createdAt: string;
  ip: string | null;
  userAgent: string | null;
}

/** The name an anonymised comment is shown under. */
export const ANONYMOUS = 'Anonymous';

/** Ids per statement: well under both databases' limits on parameters. */
const CHUNK = 500;

/**
 * Addresses are stored lowercased by the comment form, but not necessarily
 * by every way in (an import, an older version): compare them normalised.
 * The expression is indexed (idx_comments_email_match, a migration of this
 * module), so a request reads the person's comments only; both databases use
 * the index only where a query repeats the expression exactly, so always
 * match through this constant. Other modules' parts found through comments
 * (alias `c`) match with it too.
 */
export const BY_EMAIL = 'LOWER(TRIM(c.author_email))';

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

interface Node {
  id: number;
  postId: number;
  parentId: number | null;
  depth: number;
}

/**
 * The comments' part of a person's data: the comments written with the
 * address (their text, dates, IP addresses and user agents).
 *
 * Erasure, ANONYMISE: the comments stay where they are, shown under
 * "Anonymous", with the email, website, IP address, user agent and the
 * link to a user account removed; no counter moves.
 *
 * Erasure, REMOVE: the comments are deleted. Replies by other people below
 * one of them are kept, moved up to the nearest comment that stays (or to
 * the top level), as WordPress does: one person's erasure does not take
 * other people's words with it. The threads' counters are counted anew
 * under the threads' lock (counters.ts, recountThreads).
 */
export class CommentsPersonalData implements PersonalDataSource {
  constructor(private readonly deps: { db: Database }) {}

  async export(email: string): Promise<PersonalComment[]> {
    const p = new SqlParams(this.deps.db.kind);
    const rows = (await this.deps.db.read.query(
      `SELECT c.id, c.post_id, p.slug, p.title, c.parent_id, c.status, c.author_name,
              c.author_email, c.author_url, c.content_text, c.created_at, c.ip, c.user_agent
         FROM comments c JOIN posts p ON p.id = c.post_id
        WHERE ${BY_EMAIL} = ${p.add(email)}
        ORDER BY c.created_at, c.id`,
      p.values,
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: Number(r.id),
      post: { id: Number(r.post_id), slug: String(r.slug), title: String(r.title) },
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      status: r.status as CommentStatus,
      authorName: String(r.author_name),
      authorEmail: String(r.author_email),
      authorUrl: (r.author_url as string | null) ?? null,
      content: String(r.content_text),
      createdAt: parseDbDate(r.created_at)!.toISOString(),
      ip: (r.ip as string | null) ?? null,
      userAgent: (r.user_agent as string | null) ?? null,
    }));
  }

  async erase(em: EntityManager, email: string, mode: ErasureMode): Promise<number> {
    const kind = dbKindOf(em);
    const find = async () => {
      const p = new SqlParams(kind);
      return (
        (await em.query(
          `SELECT c.id, c.post_id, c.parent_id, c.depth FROM comments c
            WHERE ${BY_EMAIL} = ${p.add(email)}`,
          p.values,
        )) as Record<string, unknown>[]
      ).map(toNode);
    };
    let erased = await find();
    if (erased.length === 0) return 0;
    const postIds = [...new Set(erased.map((c) => c.postId))];
    // Readers see these threads change at once: their cached pages and the comments feed go.
    this.deps.db.changed(...postIds.map((id) => tags.post(id)), tags.comments);

    if (mode === 'ANONYMISE') {
      for (const ids of chunks(erased.map((c) => c.id))) {
        const p = new SqlParams(kind);
        await em.query(
          `UPDATE comments SET author_name = ${p.add(ANONYMOUS)}, author_email = '',
                  author_url = NULL, ip = NULL, user_agent = NULL, user_id = NULL,
                  by_post_author = ${p.add(kind === 'sqlite' ? 0 : false)}
            WHERE id IN (${p.list(ids)})`,
          p.values,
        );
      }
      return erased.length;
    }

    // Under the threads' lock, read again: the comments as they are now.
    await lockThreads(em, postIds);
    erased = await find();
    await this.keepOthersReplies(em, erased);
    // Deepest first: no statement deletes a comment whose reply is still there.
    const order = [...erased].sort((a, b) => b.depth - a.depth);
    for (const ids of chunks(order.map((c) => c.id))) {
      const p = new SqlParams(kind);
      await em.query(`DELETE FROM comments WHERE id IN (${p.list(ids)})`, p.values);
    }
    await recountThreads(
      em,
      erased.map((c) => c.postId),
    );
    return erased.length;
  }

  /**
   * Moves the replies of other people under the erased comments up to the
   * nearest comment that stays (null: the top level), and lifts every
   * comment below by as many levels as erased comments are above it.
   */
  private async keepOthersReplies(em: EntityManager, erased: Node[]): Promise<void> {
    const kind = dbKindOf(em);
    const gone = new Map(erased.map((c) => [c.id, c]));
    // Every comment below an erased one (the erased included): bounded by those subtrees.
    const below = new Map<number, Node>();
    for (const ids of chunks([...gone.keys()])) {
      const p = new SqlParams(kind);
      const rows = (await em.query(
        `WITH RECURSIVE sub(id, post_id, parent_id, depth) AS (
           SELECT id, post_id, parent_id, depth FROM comments WHERE parent_id IN (${p.list(ids)})
           UNION
           SELECT c.id, c.post_id, c.parent_id, c.depth FROM sub JOIN comments c ON c.parent_id = sub.id
         )
         SELECT id, post_id, parent_id, depth FROM sub`,
        p.values,
      )) as Record<string, unknown>[];
      for (const node of rows.map(toNode)) if (!gone.has(node.id)) below.set(node.id, node);
    }
    if (below.size === 0) return;

    const erasedAbove = (node: Node): number => {
      let n = 0;
      for (let up = node.parentId; up !== null;) {
        const parent = gone.get(up) ?? below.get(up);
        if (!parent) break;
        if (gone.has(up)) n += 1;
        up = parent.parentId;
      }
      return n;
    };
    const nearestKept = (id: number | null): number | null => {
      let up = id;
      while (up !== null && gone.has(up)) up = gone.get(up)!.parentId;
      return up;
    };

    const moves = [...below.values()]
      .map((node) => ({
        node,
        lift: erasedAbove(node),
        parentId:
          node.parentId !== null && gone.has(node.parentId)
            ? nearestKept(node.parentId)
            : node.parentId,
      }))
      .filter((m) => m.lift > 0);
    for (const part of chunks(moves)) {
      const p = new SqlParams(kind);
      const depth = part.map((m) => `WHEN ${p.add(m.node.id)} THEN ${p.int(m.lift)}`).join(' ');
      const parent = part
        .map((m) => `WHEN ${p.add(m.node.id)} THEN ${p.add(m.parentId)}`)
        .join(' ');
      await em.query(
        `UPDATE comments SET depth = depth - CASE id ${depth} ELSE 0 END,
                parent_id = CASE id ${parent} ELSE parent_id END
          WHERE id IN (${p.list(part.map((m) => m.node.id))})`,
        p.values,
      );
    }
  }
}

function toNode(r: Record<string, unknown>): Node {
  return {
    id: Number(r.id),
    postId: Number(r.post_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    depth: Number(r.depth),
  };
}
