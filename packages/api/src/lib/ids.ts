/** Parses a GraphQL ID of ours (a positive integer that fits our integer id columns); anything else is null. */
export function parseId(id: string | null | undefined): number | null {
  if (id == null || !/^[1-9]\d{0,9}$/.test(id)) return null;
  const n = Number(id);
  // PostgreSQL's integer ends at 2^31 - 1; a larger id fails the statement rather than matching nothing.
  return n <= 2 ** 31 - 1 ? n : null;
}
