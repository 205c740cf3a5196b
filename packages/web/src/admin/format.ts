const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : dateTime.format(date);
}

const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : date.format(d);
}

const STATUS_LABELS: Record<string, string> = {
  PENDING: 'held',
  APPROVED: 'approved',
  SPAM: 'spam',
  TRASH: 'trash',
  DRAFT: 'draft',
  SCHEDULED: 'scheduled',
  PUBLISHED: 'published',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.toLowerCase();
}
