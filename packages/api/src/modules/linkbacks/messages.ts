// Every message about linkbacks, in one place: what a pinging site can see
// (trackback errors, pingback faults, webmention answers and status) and what
// an editor moderating them can see.
export const LIMITS = {
  title: 300,
  excerpt: 1000,
  /** Characters of context either side of the link in an extracted excerpt. */
  excerptContext: 100,
  blogName: 200,
  authorName: 200,
  url: 2000,
  /** Links of one post that get pinged when it is published. */
  linksPerPost: 100,
} as const;

/** Settings keys (in the settings table) that tune linkback handling. */
export const SETTINGS = {
  /** "true": verified linkbacks are approved at once; otherwise they wait for moderation. */
  autoApprove: 'linkbacks.auto_approve',
  /** Pings accepted for verification per source host and hour. */
  maxPerHostPerHour: 'linkbacks.max_per_host_per_hour',
} as const;

export const DEFAULT_MAX_PER_HOST_PER_HOUR = 10;

export const messages = {
  postNotFound: 'There is no such post.',
  urlRequired: 'The url parameter is required.',
  sourceRequired: 'The source parameter is required.',
  targetRequired: 'The target parameter is required.',
  sourceInvalid: 'The source must be an http:// or https:// URL.',
  targetInvalid: 'The target must be an http:// or https:// URL.',
  urlInvalid: 'The url must be an http:// or https:// URL.',
  sameSourceAndTarget: 'The source and the target are the same URL.',
  targetNotFound: 'The target is not a published post of this site.',
  targetNotOurs: 'The target is not on this site.',
  pingsClosed: 'Pings are closed on this post.',
  alreadyRegistered: 'A ping from this source is already recorded for this post.',
  rateLimited: 'Too many pings from this host; try again later.',
  contentType: 'The content type must be application/x-www-form-urlencoded.',
  nulCharacter: 'A field contains a NUL character (U+0000), which is not allowed.',
  noLink: 'The source does not link to the target.',
  sourceGone: 'The source is gone (410).',
  sourceStatus: (status: number) => `The source answered HTTP ${status}.`,
  sourceUnreachable: (why: string) => `The source could not be fetched: ${why}.`,
  removed: (why: string) => `${why} The mention was removed.`,
  queued: 'The webmention is queued for verification.',
  retrying: (why: string, attempt: number) =>
    `${why} Trying again later (attempt ${attempt} failed).`,
  gaveUp: (why: string, attempts: number) => `${why} Gave up after ${attempts} attempts.`,
  accepted: 'The webmention was verified.',
  pingbackRegistered: (source: string, target: string) =>
    `Pingback from ${source} to ${target} registered.`,
  methodNotFound: (name: string) => `The method ${name} is not supported.`,
  malformedXml: (why: string) => `Malformed XML-RPC request: ${why}`,
  invalidParams: 'pingback.ping takes two strings: the source URI and the target URI.',
  internal: 'The ping could not be processed; please try again later.',
  // Moderation (editors)
  idsRequired: 'Choose at least one linkback.',
  tooManyIds: 'Moderate at most 100 linkbacks at once.',
  someNotFound: 'Some of these linkbacks do not exist (any more); nothing was changed.',
} as const;
