import { EntitySchema } from 'typeorm';
import type { CommentStatus } from '../comments/entities.js';
import { ID_COLUMN, timestampType, type DbKind } from '../../db/columns.js';

export type LinkbackStatus = CommentStatus;

export type LinkbackKind = 'TRACKBACK' | 'PINGBACK' | 'WEBMENTION';

/** What the source does with the target, from its microformats (webmentions), else MENTION. */
export type MentionType = 'REPLY' | 'LIKE' | 'REPOST' | 'MENTION';

/** RETRYING: a webmention whose source was unavailable, to be verified again. */
export type IncomingPingStatus = 'QUEUED' | 'RETRYING' | 'ACCEPTED' | 'REJECTED';

export type IncomingPingResult = 'CREATED' | 'UPDATED' | 'DELETED';

export type OutgoingPingStatus =
  'QUEUED' | 'RETRYING' | 'SENT' | 'FAILED' | 'NO_ENDPOINT' | 'SKIPPED';

export type PingProtocol = 'WEBMENTION' | 'PINGBACK';

export interface LinkbackRow {
  id: number;
  postId: number;
  kind: LinkbackKind;
  sourceUrl: string;
  title: string | null;
  excerpt: string | null;
  blogName: string | null;
  status: LinkbackStatus;
  createdAt: Date;
  /** The URL of ours that the source links to (null for seeded linkbacks). */
  targetUrl: string | null;
  authorName: string | null;
  authorUrl: string | null;
  authorPhoto: string | null;
  mentionType: MentionType;
  /** When a repeated webmention last refreshed it. */
  updatedAt: Date | null;
}

/**
 * How many approved linkbacks a post has, kept exact by every write of a
 * linkback (./store.ts) so that readers never count rows. No row: none.
 */
export interface LinkbackCounterRow {
  postId: number;
  approved: number;
}

/** Every ping received that got past the synchronous checks: the webmention status URL reads it, the rate limit counts it. */
export interface IncomingPingRow {
  id: number;
  /** Unguessable id in the status URL. */
  token: string;
  kind: LinkbackKind;
  sourceUrl: string;
  targetUrl: string;
  postId: number | null;
  sourceHost: string;
  status: IncomingPingStatus;
  result: IncomingPingResult | null;
  reason: string | null;
  linkbackId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A webmention or pingback that Colloquy sends (or tried to) for a link in one of its posts. */
export interface OutgoingPingRow {
  id: number;
  postId: number;
  targetUrl: string;
  endpoint: string | null;
  protocol: PingProtocol | null;
  status: OutgoingPingStatus;
  /** The post no longer links to the target (a webmention tells the target so). */
  linkRemoved: boolean;
  attempts: number;
  lastResponse: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The tables of linkbacks: the linkbacks shown and their counters, pings received and pings sent. */
export function linkbackEntities(kind: DbKind) {
  const ts = timestampType(kind);
  const id = ID_COLUMN;

  const Linkback = new EntitySchema<LinkbackRow>({
    name: 'Linkback',
    tableName: 'linkbacks',
    columns: {
      id,
      postId: { type: 'integer', name: 'post_id' },
      kind: { type: 'varchar', length: 16 },
      sourceUrl: { type: 'varchar', length: 2000, name: 'source_url' },
      title: { type: 'varchar', length: 300, nullable: true },
      excerpt: { type: 'text', nullable: true },
      blogName: { type: 'varchar', length: 200, name: 'blog_name', nullable: true },
      status: { type: 'varchar', length: 16 },
      createdAt: { type: ts, name: 'created_at' },
      targetUrl: { type: 'varchar', length: 2000, name: 'target_url', nullable: true },
      authorName: { type: 'varchar', length: 200, name: 'author_name', nullable: true },
      authorUrl: { type: 'varchar', length: 2000, name: 'author_url', nullable: true },
      authorPhoto: { type: 'varchar', length: 2000, name: 'author_photo', nullable: true },
      mentionType: { type: 'varchar', length: 16, name: 'mention_type', default: 'MENTION' },
      updatedAt: { type: ts, name: 'updated_at', nullable: true },
    },
  });
  const LinkbackCounter = new EntitySchema<LinkbackCounterRow>({
    name: 'LinkbackCounter',
    tableName: 'linkback_counters',
    columns: {
      postId: { type: 'integer', primary: true, name: 'post_id' },
      approved: { type: 'integer', default: 0 },
    },
  });
  const IncomingPing = new EntitySchema<IncomingPingRow>({
    name: 'IncomingPing',
    tableName: 'incoming_pings',
    columns: {
      id,
      token: { type: 'varchar', length: 64, unique: true },
      kind: { type: 'varchar', length: 16 },
      sourceUrl: { type: 'varchar', length: 2000, name: 'source_url' },
      targetUrl: { type: 'varchar', length: 2000, name: 'target_url' },
      postId: { type: 'integer', name: 'post_id', nullable: true },
      sourceHost: { type: 'varchar', length: 255, name: 'source_host' },
      status: { type: 'varchar', length: 16 },
      result: { type: 'varchar', length: 16, nullable: true },
      reason: { type: 'text', nullable: true },
      linkbackId: { type: 'integer', name: 'linkback_id', nullable: true },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });
  const OutgoingPing = new EntitySchema<OutgoingPingRow>({
    name: 'OutgoingPing',
    tableName: 'outgoing_pings',
    columns: {
      id,
      postId: { type: 'integer', name: 'post_id' },
      targetUrl: { type: 'varchar', length: 2000, name: 'target_url' },
      endpoint: { type: 'varchar', length: 2000, nullable: true },
      protocol: { type: 'varchar', length: 16, nullable: true },
      status: { type: 'varchar', length: 16 },
      linkRemoved: { type: 'boolean', name: 'link_removed', default: false },
      attempts: { type: 'integer', default: 0 },
      lastResponse: { type: 'text', name: 'last_response', nullable: true },
      lastError: { type: 'text', name: 'last_error', nullable: true },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });

  return [Linkback, LinkbackCounter, IncomingPing, OutgoingPing];
}
