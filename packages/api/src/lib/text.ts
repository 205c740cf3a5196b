/** Plain-text helpers for what people type into forms. */

/** An email address as forms accept it: one @, a dotted host name. */
export const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

// Control characters other than tab and newline have no place in text people type.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function clean(value: string | null | undefined): string {
  return (value ?? '').replace(CONTROL, '').trim();
}
