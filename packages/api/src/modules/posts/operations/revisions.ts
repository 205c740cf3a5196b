import type { EntityManager } from 'typeorm';
import type { PostRevisionRow, PostRow } from '../entities.js';
import type { Viewer } from '../../auth/viewer.js';
import type { PostText } from './post-input.js';

/** The post's revisioned text as stored now, tags included (read inside the unit of work). */
export async function textOf(em: EntityManager, post: PostRow): Promise<PostText> {
  const tags = await em
    .createQueryBuilder()
    .select('t.name', 'name')
    .from('post_tags', 'pt')
    .innerJoin('tags', 't', 't.id = pt.tag_id')
    .where('pt.post_id = :postId', { postId: post.id })
    .orderBy('t.name', 'ASC')
    .getRawMany<{ name: string }>();
  return {
    title: post.title,
    contentSource: post.contentSource,
    contentFormat: post.contentFormat,
    excerpt: post.excerpt,
    tags: tags.map((t) => t.name),
  };
}

export async function saveRevision(
  em: EntityManager,
  postId: number,
  text: PostText,
  by: Viewer | null,
  createdAt = new Date(),
): Promise<void> {
  await em.getRepository<PostRevisionRow>('PostRevision').insert({
    postId,
    title: text.title,
    contentSource: text.contentSource,
    contentFormat: text.contentFormat,
    excerpt: text.excerpt,
    tags: JSON.stringify([...text.tags].sort()),
    createdAt,
    userId: by?.userId ?? null,
    createdByName: by?.displayName ?? null,
  });
}

/** Keeps a revision of `after` when the text changed from `before` (the post as it was loaded). */
export async function recordRevision(
  em: EntityManager,
  post: PostRow,
  before: PostText,
  after: PostText,
  by: Viewer,
): Promise<void> {
  if (sameText(before, after)) return;
  const revisions = em.getRepository<PostRevisionRow>('PostRevision');
  // Posts made before revisions existed (the seed) keep their first version too.
  if (!(await revisions.existsBy({ postId: post.id })))
    await saveRevision(em, post.id, before, null, post.updatedAt);
  await saveRevision(em, post.id, after, by);
}

/** Sorted tags, so that two versions compare equal whatever order the tags came in. */
function sameText(a: PostText, b: PostText): boolean {
  const key = (t: PostText) => JSON.stringify({ ...t, tags: [...t.tags].sort() });
  return key(a) === key(b);
}
