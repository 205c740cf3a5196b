import { In, type EntityManager } from 'typeorm';
import type { PostTagRow, TagRow } from '../entities.js';
import type { TagInput } from './post-input.js';

/** Replaces the post's tags, creating the ones that do not exist yet. */
export async function replaceTags(
  em: EntityManager,
  postId: number,
  tags: TagInput[],
): Promise<void> {
  await em.getRepository<PostTagRow>('PostTag').delete({ postId });
  if (tags.length === 0) return;
  const tagRepo = em.getRepository<TagRow>('Tag');
  // orIgnore: another request may create the same tag at the same moment.
  await tagRepo.createQueryBuilder().insert().values(tags).orIgnore().execute();
  const rows = await tagRepo.findBy({ slug: In(tags.map((t) => t.slug)) });
  await em.getRepository<PostTagRow>('PostTag').insert(rows.map((t) => ({ postId, tagId: t.id })));
}
