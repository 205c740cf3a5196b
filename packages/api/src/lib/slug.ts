/** A URL slug: lowercase ASCII letters and digits in words joined by single hyphens. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Turns text into a slug: accents dropped (é → e), everything that is not a
 * letter or digit becomes a hyphen. May return '' (e.g. for text in a
 * non-Latin script); callers decide what to do then.
 */
export function slugify(text: string, max = 100): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}
