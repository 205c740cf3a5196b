/** Who sent the request; kept with what they wrote for moderators, never published. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}
