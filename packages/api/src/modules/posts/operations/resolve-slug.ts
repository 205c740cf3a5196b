import type { EntityManager } from 'typeorm';
import type { PostRow } from '../entities.js';
import { slugify } from '../../../lib/slug.js';
import { LIMITS } from '../messages.js';

/**
 * The slug to store: the one asked for when it is free (null when another
 * post has it), the post's own, or one made from the title with -2, -3 …
 * appended until it is free. Runs inside the unit of work that stores it.
 */
export async function resolveSlug(
  em: EntityManager,
  wanted: string | null,
  title: string,
  postId: number | null,
): Promise<string | null> {
  const posts = em.getRepository<PostRow>('Post');
  if (wanted) {
    const owner = await posts.findOne({ select: ['id'], where: { slug: wanted } });
    return owner && owner.id !== postId ? null : wanted;
  }
  const base = slugify(title, LIMITS.generatedSlug) || 'post';
  const taken = new Set(
    (
      await posts
        .createQueryBuilder('p')
        .select('p.slug', 'slug')
        .where('(p.slug = :base OR p.slug LIKE :pattern)', { base, pattern: `${base}-%` })
        .andWhere(postId === null ? '1 = 1' : 'p.id <> :postId', { postId })
        .getRawMany<{ slug: string }>()
    ).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  // At most taken.size + 1 tries: one of the first taken.size + 1 suffixes is free.
  for (let n = 2; n <= taken.size + 2; n++) {
    if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
  return null;
}
