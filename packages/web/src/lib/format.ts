// In UTC, so the server's render and the browser's hydration show the same day.
const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });

/** "November 24, 2012"-style date for display; the ISO string goes in <time datetime>. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : dateFormat.format(date);
}

/** Heading for the comment section, as the seed shows it ("1 Comment"). */
export function commentCountLabel(count: number): string {
  if (count <= 0) return 'No comments yet';
  return count === 1 ? '1 Comment' : `${count.toLocaleString('en')} Comments`;
}

/** Short form for post lists. */
export function commentCountShort(count: number): string {
  if (count <= 0) return 'No comments';
  return count === 1 ? '1 comment' : `${count.toLocaleString('en')} comments`;
}
