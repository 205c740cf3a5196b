const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * "November 24, 2012"-style date for display (what Intl's English long date
 * style gives); the ISO string goes in <time datetime>. In UTC, so the
 * server's render and the browser's hydration show the same day; written
 * out rather than asked of Intl, which costs a long thread's render several
 * times as much and whose data could differ between Node and a browser.
 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** Heading for the comment section, as the seed shows it ("1 Comment"). */
export function commentCountLabel(count: number): string {
  if (count <= 0) return 'No comments yet';
  return count === 1 ? '1 Comment' : `${count.toLocaleString('en')} Comments`;
}

/** The live thread's button: comments approved since the page opened. */
export function newCommentsLabel(count: number): string {
  return count === 1 ? '1 new comment — show' : `${count.toLocaleString('en')} new comments — show`;
}

/** Short form for post lists. */
export function commentCountShort(count: number): string {
  if (count <= 0) return 'No comments';
  return count === 1 ? '1 comment' : `${count.toLocaleString('en')} comments`;
}
