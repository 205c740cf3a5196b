import { tags } from '../../db/changes.js';
import type { DomainEvents } from '../../db/domain-events.js';
import { statusEvents } from '../moderation/moderation.js';
import type { Database, ReadRepository } from '../../db/database.js';
import { randomBytes } from 'node:crypto';
import { In, MoreThan, type EntityManager } from 'typeorm';
import type { Config } from '../../config.js';
import { dbDate } from '../../db/dates.js';
import { SqlParams } from '../../db/params.js';
import { RawRows } from '../../db/raw-rows.js';
import type { IncomingPingRow, LinkbackKind, LinkbackRow, LinkbackStatus } from './entities.js';
import type { PostRow } from '../posts/entities.js';
import type { SettingRow } from '../../db/settings.js';
import {
  decodeCursor,
  encodeCursor,
  type Cursor,
  pageSize,
  type Page,
  type PageArgs,
} from '../../lib/pagination.js';
import type { PostsService } from '../posts/posts.service.js';
import { DEFAULT_MAX_PER_HOST_PER_HOUR, SETTINGS } from './messages.js';
import { deleteLinkback, insertLinkback, setLinkbackStatus } from './store.js';
import type { SourceEvidence } from './verification.js';

export interface LinkbackSettings {
  /** Verified linkbacks are approved at once instead of waiting for moderation. */
  autoApprove: boolean;
  /** Pings accepted for verification per source host and hour. */
  maxPerHostPerHour: number;
}

/** Where a target URL of ours leads. */
export type TargetLookup =
  { found: true; post: PostRow } | { found: false; reason: 'NOT_OURS' | 'NOT_FOUND' };

/** What the post page tells other sites about where to ping it. */
export interface Discovery {
  headers: Record<string, string>;
  links: { rel: string; href: string }[];
  trackback: { about: string; title: string; pingUrl: string };
}

/** What one read of a post's approved linkbacks asks: up to `limit` of them after `after`. */
export interface LinkbackSliceKey {
  postId: number;
  limit: number;
  after: Cursor | null;
}

/** Its answer: those linkbacks, oldest first, and how many approved ones the post has in all. */
export interface LinkbackSlice {
  rows: LinkbackRow[];
  approved: number;
}

export const LINKBACK_STATUSES: readonly LinkbackStatus[] = [
  'PENDING',
  'APPROVED',
  'SPAM',
  'TRASH',
];

/**
 * Linkbacks at rest: what readers see (approved ones), what moderators work
 * with (list by status, set status), the settings that tune receiving, and
 * the record of received pings (status URLs and the per-host rate limit).
 */
export class LinkbacksService {
  constructor(
    private readonly deps: {
      db: Database;
      config: Config;
      events: DomainEvents;
      posts: PostsService;
    },
  ) {}

  private get db() {
    return this.deps.db;
  }

  /** Linkbacks for hand-written SQL (db/raw-rows.ts), made on the first read. */
  private rawLinkbacks?: RawRows<LinkbackRow>;

  /** Reads, on the reader or inside a unit of work (to see what it wrote). */
  private linkbacks(em?: EntityManager): ReadRepository<LinkbackRow> {
    return (em ?? this.db.read).getRepository<LinkbackRow>('Linkback');
  }

  private pings(): ReadRepository<IncomingPingRow> {
    return this.db.read.getRepository<IncomingPingRow>('IncomingPing');
  }

  /**
   * For each key, its post's approved linkbacks after the key's cursor,
   * oldest first on (createdAt, id), at most `limit` of them, and the post's
   * counter of approved linkbacks: all keys in one statement, which reads
   * no more rows than it returns however many linkbacks a post has.
   */
  async approvedSlices(keys: readonly LinkbackSliceKey[]): Promise<LinkbackSlice[]> {
    if (keys.length === 0) return [];
    this.rawLinkbacks ??= new RawRows<LinkbackRow>(this.linkbacks());
    const rows = this.rawLinkbacks;
    const p = new SqlParams(this.db.kind);
    const approved = p.add('APPROVED');
    // One member per key: a one-row select, so that a post without a counter
    // row or without linkbacks still answers, joined to its counter and to
    // its page of linkbacks (the index idx_linkbacks_post_status_created_id).
    // A count alone (limit 0) of a post whose page the batch reads too (the
    // post page asks for both) is that page's counter: no member of its own.
    const countFrom = keys.map((key) =>
      key.limit === 0 ? keys.findIndex((k) => k.postId === key.postId && k.limit > 0) : -1,
    );
    const members = keys.flatMap((key, i) => {
      if (!Number.isInteger(key.limit) || key.limit < 0) throw new Error(`Bad limit ${key.limit}`);
      if (countFrom[i]! >= 0) return [];
      const post = p.add(key.postId);
      let after = '';
      if (key.after) {
        const at = p.add(dbDate(this.db, new Date(key.after.time)));
        after = `AND (x.created_at > ${at} OR (x.created_at = ${at} AND x.id > ${p.add(key.after.id)}))`;
      }
      return `SELECT ${i} AS k, COALESCE(c.approved, 0) AS approved_count, ${rows.select('l')}
        FROM (SELECT 1 AS one) AS base
        LEFT JOIN linkback_counters AS c ON c.post_id = ${post}
        LEFT JOIN (
          SELECT * FROM linkbacks AS x
          WHERE x.post_id = ${post} AND x.status = ${approved} ${after}
          ORDER BY x.created_at ASC, x.id ASC
          LIMIT ${key.limit}
        ) AS l ON 1 = 1`;
    });
    const raw = await this.db.read.query<Record<string, unknown>[]>(
      `SELECT * FROM (${members.join('\n UNION ALL ')}) AS page ORDER BY k ASC, created_at ASC, id ASC`,
      p.values,
    );
    const slices = keys.map(() => ({ rows: [] as LinkbackRow[], approved: 0 }));
    for (const r of raw) {
      const slice = slices[Number(r.k)]!;
      slice.approved = Number(r.approved_count);
      if (r.id != null) slice.rows.push(rows.hydrate(r));
    }
    for (const [i, from] of countFrom.entries())
      if (from >= 0) slices[i]!.approved = slices[from]!.approved;
    return slices;
  }

  // --- Endpoints and discovery -------------------------------------------------

  trackbackUrl(post: Pick<PostRow, 'id'>): string {
    return `${this.deps.config.publicUrl}/trackback/${post.id}`;
  }

  xmlrpcUrl(): string {
    return `${this.deps.config.publicUrl}/xmlrpc`;
  }

  webmentionUrl(): string {
    return `${this.deps.config.publicUrl}/webmention`;
  }

  statusUrl(token: string): string {
    return `${this.deps.config.publicUrl}/webmention/status/${token}`;
  }

  /** Discovery for a published post's page: headers, <link>s and the trackback RDF. */
  discovery(post: PostRow): Discovery {
    return {
      headers: {
        'x-pingback': this.xmlrpcUrl(),
        link: `<${this.webmentionUrl()}>; rel="webmention"`,
      },
      links: [
        { rel: 'pingback', href: this.xmlrpcUrl() },
        { rel: 'webmention', href: this.webmentionUrl() },
      ],
      trackback: {
        about: this.deps.posts.postUrl(post),
        title: post.title,
        pingUrl: this.trackbackUrl(post),
      },
    };
  }

  /** The published post a target URL (…/posts/:slug, any query or fragment) names. */
  async postForTarget(targetUrl: string): Promise<TargetLookup> {
    let url: URL;
    let base: URL;
    try {
      url = new URL(targetUrl);
      base = new URL(`${this.deps.config.publicUrl}/posts/`);
    } catch {
      return { found: false, reason: 'NOT_OURS' };
    }
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      return { found: false, reason: 'NOT_OURS' };
    }
    let slug: string;
    try {
      slug = decodeURIComponent(url.pathname.slice(base.pathname.length).replace(/\/$/, ''));
    } catch {
      return { found: false, reason: 'NOT_FOUND' };
    }
    // A decoded %00 is no slug of ours, and PostgreSQL could not even compare it.
    const post =
      slug && !slug.includes('/') && !slug.includes('\u0000')
        ? await this.deps.posts.findPublishedBySlug(slug)
        : null;
    return post ? { found: true, post } : { found: false, reason: 'NOT_FOUND' };
  }

  // --- Settings ------------------------------------------------------------------

  async settings(): Promise<LinkbackSettings> {
    const rows = await this.db.read
      .getRepository<SettingRow>('Setting')
      .findBy({ key: In([SETTINGS.autoApprove, SETTINGS.maxPerHostPerHour]) });
    const value = (key: string) => rows.find((r) => r.key === key)?.value;
    const max = Number(value(SETTINGS.maxPerHostPerHour));
    return {
      autoApprove: value(SETTINGS.autoApprove) === 'true',
      maxPerHostPerHour: Number.isInteger(max) && max >= 0 ? max : DEFAULT_MAX_PER_HOST_PER_HOUR,
    };
  }

  // --- Moderation (called by the editorial API) ------------------------------------

  /** Linkbacks with the given status, newest first, keyset-paginated (the moderation queue for PENDING). */
  async listByStatus(status: LinkbackStatus, args: PageArgs = {}): Promise<Page<LinkbackRow>> {
    const size = pageSize(args.first);
    const qb = this.linkbacks().createQueryBuilder('l').where('l.status = :status', { status });
    if (args.after) {
      const after = decodeCursor(args.after);
      const at = dbDate(this.db, new Date(after.time));
      qb.andWhere('(l.createdAt < :at OR (l.createdAt = :at AND l.id < :afterId))', {
        at,
        afterId: after.id,
      });
    }
    const rows = await qb
      .orderBy('l.createdAt', 'DESC')
      .addOrderBy('l.id', 'DESC')
      .take(size + 1)
      .getMany();
    const edges = rows.slice(0, size).map((node) => ({
      cursor: encodeCursor({ time: node.createdAt.getTime(), id: node.id }),
      node,
    }));
    const totalCount = await this.linkbacks().countBy({ status });
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }

  /** Moves a linkback to another status (approve, spam, trash, back to pending); null when it does not exist. */
  async setStatus(id: number, status: LinkbackStatus): Promise<LinkbackRow | null> {
    if (!LINKBACK_STATUSES.includes(status)) throw new Error(`Unknown linkback status ${status}`);
    return this.db.write(async (em) => {
      const moved = (await setLinkbackStatus(em, [id], status))[0];
      if (!moved) return null;
      this.db.changed(tags.post(moved.postId));
      const { from, ...row } = moved;
      await this.deps.events.emit(...statusEvents('Linkback', [{ ...row, status: from }], status));
      return row;
    });
  }

  findById(id: number): Promise<LinkbackRow | null> {
    return this.linkbacks().findOneBy({ id });
  }

  // --- Receiving ------------------------------------------------------------------

  findBySource(postId: number, sourceUrl: string, em?: EntityManager): Promise<LinkbackRow | null> {
    return this.linkbacks(em).findOneBy({ postId, sourceUrl });
  }

  /** Pings from this host that reached verification in the last hour. */
  recentPingsFromHost(host: string): Promise<number> {
    const hourAgo = new Date(Date.now() - 3_600_000);
    return this.pings().countBy({
      sourceHost: host,
      createdAt: MoreThan(dbDate(this.db, hourAgo) as Date),
    });
  }

  async isRateLimited(sourceUrl: string): Promise<boolean> {
    const { maxPerHostPerHour } = await this.settings();
    return (await this.recentPingsFromHost(new URL(sourceUrl).hostname)) >= maxPerHostPerHour;
  }

  /** Records a received ping (for its status URL and the rate limit). */
  recordPing(
    fields: Pick<IncomingPingRow, 'kind' | 'sourceUrl' | 'targetUrl' | 'postId' | 'status'> &
      Partial<Pick<IncomingPingRow, 'result' | 'reason' | 'linkbackId'>>,
  ): Promise<IncomingPingRow> {
    const now = new Date();
    return this.db.write((em) =>
      em.getRepository<IncomingPingRow>('IncomingPing').save({
        token: randomBytes(18).toString('base64url'),
        sourceHost: new URL(fields.sourceUrl).hostname,
        result: null,
        reason: null,
        linkbackId: null,
        createdAt: now,
        updatedAt: now,
        ...fields,
      }),
    );
  }

  async updatePing(
    id: number,
    fields: Partial<Pick<IncomingPingRow, 'status' | 'result' | 'reason' | 'linkbackId'>>,
  ): Promise<void> {
    await this.db.write((em) =>
      em
        .getRepository<IncomingPingRow>('IncomingPing')
        .update({ id }, { ...fields, updatedAt: new Date() }),
    );
  }

  findPing(id: number): Promise<IncomingPingRow | null> {
    return this.pings().findOneBy({ id });
  }

  findPingByToken(token: string): Promise<IncomingPingRow | null> {
    return this.pings().findOneBy({ token });
  }

  /**
   * Stores a verified linkback: PENDING, or APPROVED when the auto-approve
   * setting is on. Throws on a duplicate (post, source) — the caller decides
   * what a duplicate means for its protocol.
   */
  async create(
    fields: {
      postId: number;
      kind: LinkbackKind;
      sourceUrl: string;
      targetUrl: string;
      blogName?: string | null;
    } & SourceEvidence,
  ): Promise<LinkbackRow> {
    const { autoApprove } = await this.settings();
    return this.db.write(async (em) => {
      // Readers see an approved linkback at once; a pending one changes nothing they see.
      this.db.changed(...(autoApprove ? [tags.post(fields.postId)] : []));
      const row = await insertLinkback(em, {
        blogName: null,
        ...fields,
        status: autoApprove ? 'APPROVED' : 'PENDING',
        createdAt: new Date(),
        updatedAt: null,
      });
      const ids = { linkbackId: row.id, postId: row.postId };
      await this.deps.events.emit(
        { type: 'linkback.received', ...ids, status: row.status },
        ...(row.status === 'APPROVED' ? [{ type: 'linkback.approved' as const, ...ids }] : []),
      );
      return row;
    });
  }

  /** Refreshes what a linkback shows from its source (a repeated webmention); its status stays. */
  async refresh(id: number, evidence: SourceEvidence): Promise<void> {
    await this.db.write(async (em) => {
      const row = await this.linkbacks(em).findOneBy({ id });
      this.db.changed(...(row ? [tags.post(row.postId)] : []));
      await em
        .getRepository<LinkbackRow>('Linkback')
        .update({ id }, { ...evidence, updatedAt: new Date() });
    });
  }

  async remove(id: number): Promise<void> {
    await this.db.write(async (em) => {
      const row = await this.linkbacks(em).findOneBy({ id });
      this.db.changed(...(row ? [tags.post(row.postId)] : []));
      return deleteLinkback(em, id);
    });
  }
}
