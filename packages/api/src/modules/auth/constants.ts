const MINUTE = 60_000;

/** Timings of sessions, tokens and sign-in throttling. */
export const AUTH = {
  /** A session lasts this long after sign-in; then the person signs in again. */
  sessionTtlMs: 30 * 24 * 60 * MINUTE,
  /** last_used_at is written at most this often per session or token, so reads rarely write. */
  lastUsedResolutionMs: MINUTE,
  throttle: {
    /** Failures older than this are forgotten. */
    windowMs: 60 * MINUTE,
    /** Failures allowed per email before attempts are refused for a while. */
    freeFailuresPerEmail: 5,
    /** Per IP address: higher, since many people can share one address. */
    freeFailuresPerIp: 20,
    /** The first wait; each further failure doubles it, up to the window. */
    firstDelayMs: MINUTE,
  },
} as const;
