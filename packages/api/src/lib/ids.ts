/** Parses a GraphQL ID of ours (a positive integer); anything else is null. */
export function parseId(id: string | null | undefined): number | null {
  if (id == null || !/^[1-9]\d{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}
