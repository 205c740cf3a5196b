/**
 * What a committed write changed that readers can see, named by tags. The
 * response cache (src/cache/) keeps, with every response it holds, the tags
 * of what the response read, and drops the responses whose tags a change
 * names; in-process caches of settings do the same.
 *
 * Writers name their changes inside the unit of work (`db.changed(...)`);
 * the database layer announces them when, and only when, the unit commits:
 * to this process at once, and to the other processes on the same database
 * (PostgreSQL NOTIFY, or the SQLite change log; see change-transport.ts).
 */

/** The tags, in one place so that readers and writers spell them alike. */
export const tags = {
  /** Site-wide settings (site, discussion, share targets): read by nearly every response. */
  site: 'site',
  /** Which posts readers can see, and their order: every post list. */
  posts: 'posts',
  /** One post as readers see it: its row, tags, comments, linkbacks and their counts. */
  post: (id: number) => `post:${id}`,
  /**
   * Which comments readers see, site-wide (the latest comments feed): named
   * with `post(id)` by every write that changes a comment readers can see.
   */
  comments: 'comments',
  /** Whatever answers for this slug (a post, or "not found"). */
  slug: (slug: string) => `slug:${slug}`,
  /** An author's public profile (name, URL) as shown on their posts. */
  author: (id: number) => `author:${id}`,
} as const;

/**
 * A committed change: the tags it touched, or `'all'` when what changed is
 * not known (a write that named nothing, a lost notification): every cache
 * must then forget everything.
 */
export type Change = ReadonlySet<string> | 'all';

export type ChangeListener = (change: Change, origin: 'local' | 'remote') => void;

/** The tags of one unit of work, as it collects them. */
export class UnitChanges {
  private readonly named = new Set<string>();
  /** The unit said what it changed (possibly nothing readers see). */
  declared = false;
  /** The unit ran a statement that writes. */
  wrote = false;

  add(list: readonly string[]): void {
    this.declared = true;
    for (const tag of list) this.named.add(tag);
  }

  /**
   * What to announce at commit: the named tags; `'all'` when the unit wrote
   * without saying what (so no cache can keep what it may have changed);
   * null when readers can see no difference.
   */
  result(): Change | null {
    if (this.wrote && !this.declared) return 'all';
    return this.named.size > 0 ? this.named : null;
  }
}

const WRITE =
  /\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`]?(\w+)["`]?/i;

/**
 * The table a statement writes, lower-cased, or null for a statement that
 * writes none (a SELECT, a PRAGMA, BEGIN…). A statement that writes but
 * whose table cannot be told is reported as `?`, which no list excludes.
 */
export function writtenTable(query: string): string | null {
  const head = query.trimStart().slice(0, 7).toUpperCase();
  if (head.startsWith('SELECT') || head.startsWith('PRAGMA') || head.startsWith('BEGIN')) {
    return null;
  }
  if (!/^(INSERT|UPDATE|DELETE|REPLACE|WITH)/.test(head)) return null;
  const match = WRITE.exec(query);
  if (match) return match[1]!.toLowerCase();
  return head.startsWith('WITH') ? null : '?';
}

/** Local subscribers to committed changes, this process's and other processes'. */
export class ChangeHub {
  private readonly listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: Change, origin: 'local' | 'remote'): void {
    for (const listener of this.listeners) listener(change, origin);
  }
}

/** The wire form of a change: tags joined, or `*` for all. */
export function encodeChange(change: Change): string {
  return change === 'all' ? '*' : [...change].join('\n');
}

export function decodeChange(text: string): Change {
  return text === '*' ? 'all' : new Set(text.split('\n').filter(Boolean));
}

/** What `KeptValues` needs of the database: its changes. */
export interface ChangeSource {
  onChange(listener: ChangeListener): () => void;
  readonly changesHealthy: boolean;
}

/**
 * Values read from the database and kept in memory until a committed change
 * names `tag` (this process's or another's): for what nearly every request
 * reads and editors rarely change (the settings, the share targets). A read
 * that began before such a change is used once and not kept, and nothing is
 * kept while other processes' changes may go unheard.
 */
export class KeptValues<T> {
  private readonly values = new Map<string, Promise<T>>();
  private generation = 0;

  constructor(
    private readonly source: ChangeSource,
    private readonly tag: string,
  ) {
    source.onChange((change) => {
      if (change === 'all' || change.has(tag)) this.forget();
    });
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const kept = this.values.get(key);
    if (kept) return kept;
    const generation = this.generation;
    const loading = load();
    if (this.source.changesHealthy) {
      this.values.set(key, loading);
      loading.then(
        () => {
          if (generation !== this.generation && this.values.get(key) === loading)
            this.values.delete(key);
        },
        () => {
          if (this.values.get(key) === loading) this.values.delete(key);
        },
      );
    }
    return loading;
  }

  forget(): void {
    this.generation++;
    this.values.clear();
  }
}
