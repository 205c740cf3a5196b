/**
 * What one request read, for the response cache: the tags of the data its
 * answer shows (db/changes.ts names them) and the moment the answer stops
 * being true by itself. Loaders and resolvers note what they read; the cache
 * keeps the answer until a committed change names one of its tags, or until
 * `expiresAt`.
 */
export class ReadScope {
  readonly tags = new Set<string>();
  /** Milliseconds since the epoch; Infinity when only a change can make the answer wrong. */
  expiresAt = Number.POSITIVE_INFINITY;
  /**
   * The answer is the same for every anonymous reader, so it may be kept and
   * shared (for GraphQL, cache/graphql-plugin.ts decides once the operation is known).
   */
  shared = false;

  read(...list: string[]): void {
    for (const tag of list) this.tags.add(tag);
  }

  /** The answer holds until `time` at most (a scheduled post appears, comments close by age). */
  until(time: Date | number): void {
    const ms = typeof time === 'number' ? time : time.getTime();
    if (ms < this.expiresAt) this.expiresAt = ms;
  }
}
