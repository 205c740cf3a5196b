export const DEFAULT_SITE_TITLE = 'Colloquy';

/** "Post title — Site title", or the site title alone. */
export function pageTitle(
  page: string | null | undefined,
  site: string | null | undefined,
): string {
  const siteTitle = site?.trim() || DEFAULT_SITE_TITLE;
  const pageName = page?.trim();
  return pageName ? `${pageName} — ${siteTitle}` : siteTitle;
}
