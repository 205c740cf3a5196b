import type { Change } from '../db/changes.js';

/** One stored response: the exact bytes and headers sent, and what they were built from. */
export interface CachedResponse {
  status: number;
  /** The headers that belong to the content (type, links, vary), sent again with every hit. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  /** A strong validator of `body`. */
  etag: string;
  /** The tags of everything the response read (db/changes.ts). */
  tags: readonly string[];
  /** When it stops being true on its own (a scheduled post's time, comments closing by age); ms since the epoch. */
  expiresAt: number;
  /** The GraphQL operation it answers, named in the log line of every hit. */
  operationName?: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  stores: number;
  /** Stores refused because a change to what the response read committed while it was built. */
  staleStores: number;
  evictions: number;
  invalidations: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** What an entry costs besides its body: the key, the headers and the bookkeeping. */
const OVERHEAD_BYTES = 512;
/** How many tags' last change times are remembered (see `seenSince`). */
const MAX_TRACKED_TAGS = 50_000;

/**
 * The in-memory response cache: an LRU bounded by bytes, whose entries are
 * dropped by tag when a committed change names one of their tags.
 *
 * The race it closes: a request misses, reads the old state, a change
 * commits and is announced, then the request stores what it read. Every
 * build starts with `begin()`, and `store()` refuses an entry if any of its
 * tags changed since then (or everything did).
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly byTag = new Map<string, Set<string>>();
  private bytes = 0;
  /** A counter moved by each change; each tag remembers the value of its last change. */
  private seq = 0;
  private readonly tagSeq = new Map<string, number>();
  /** Builds begun before this point cannot be told apart from a change: refused. */
  private floorSeq = 0;
  private readonly counts = {
    hits: 0,
    misses: 0,
    stores: 0,
    staleStores: 0,
    evictions: 0,
    invalidations: 0,
  };

  constructor(
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.counts.misses++;
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      this.counts.misses++;
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.counts.hits++;
    return entry;
  }

  /** Marks the start of building a response that may be stored. */
  begin(): number {
    return this.seq;
  }

  /** Keeps `entry` unless something it read changed since `begun`; true when kept. */
  store(key: string, entry: CachedResponse, begun: number): boolean {
    if (begun < this.floorSeq || entry.tags.some((t) => (this.tagSeq.get(t) ?? -1) > begun)) {
      this.counts.staleStores++;
      return false;
    }
    const size = sizeOf(key, entry);
    if (size > this.maxBytes / 4 || entry.expiresAt <= this.now()) return false;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.entries.set(key, entry);
    this.bytes += size;
    for (const tag of entry.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    this.counts.stores++;
    while (this.bytes > this.maxBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, CachedResponse];
      this.remove(oldestKey, oldest);
      this.counts.evictions++;
    }
    return true;
  }

  /** Drops every entry that read something the change touched. */
  invalidate(change: Change): void {
    this.seq++;
    this.counts.invalidations++;
    if (change === 'all') {
      this.floorSeq = this.seq;
      this.tagSeq.clear();
      this.clear();
      return;
    }
    for (const tag of change) {
      this.tagSeq.set(tag, this.seq);
      for (const key of this.byTag.get(tag) ?? []) {
        const entry = this.entries.get(key);
        if (entry) this.remove(key, entry);
      }
    }
    if (this.tagSeq.size > MAX_TRACKED_TAGS) {
      // Forgetting when tags changed means a build begun before now cannot be checked.
      this.tagSeq.clear();
      this.floorSeq = this.seq;
    }
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.bytes = 0;
  }

  stats(): CacheStats {
    return {
      ...this.counts,
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }

  private remove(key: string, entry: CachedResponse): void {
    this.entries.delete(key);
    this.bytes -= sizeOf(key, entry);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}

function sizeOf(key: string, entry: CachedResponse): number {
  return entry.body.length + key.length + OVERHEAD_BYTES + entry.tags.length * 32;
  // (Headers are a few short strings: within the overhead.)
}
