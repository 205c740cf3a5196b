import { EntitySchema, type ColumnType } from 'typeorm';
import type { DatabaseConfig } from '../config.js';

// EntitySchema rather than decorators: no reliance on emitted decorator
// metadata, so tsc, tsx and vitest all see the same column types.

/** TRASH: taken out of the site, waiting to be restored (as a draft) or deleted for good. */
export type PostStatus = 'DRAFT' | 'PUBLISHED' | 'TRASH';
/** What the editor wrote the post's content in; it is always stored rendered as sanitized HTML too. */
export type ContentFormat = 'HTML' | 'MARKDOWN';
export type CommentStatus = 'PENDING' | 'APPROVED' | 'SPAM' | 'TRASH';
export type LinkbackStatus = CommentStatus;
export type LinkbackKind = 'TRACKBACK' | 'PINGBACK' | 'WEBMENTION';
/** What the source does with the target, from its microformats (webmentions), else MENTION. */
export type MentionType = 'REPLY' | 'LIKE' | 'REPOST' | 'MENTION';
export type IncomingPingStatus = 'QUEUED' | 'ACCEPTED' | 'REJECTED';
export type IncomingPingResult = 'CREATED' | 'UPDATED' | 'DELETED';
export type OutgoingPingStatus =
  'QUEUED' | 'RETRYING' | 'SENT' | 'FAILED' | 'NO_ENDPOINT' | 'SKIPPED';
export type PingProtocol = 'WEBMENTION' | 'PINGBACK';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface AuthorRow {
  id: number;
  name: string;
  email: string;
  url: string | null;
  createdAt: Date;
}

export interface PostRow {
  id: number;
  slug: string;
  title: string;
  /** Sanitized HTML, what readers get. */
  contentHtml: string;
  /** What the editor wrote (HTML or Markdown), kept for editing. */
  contentSource: string;
  contentFormat: ContentFormat;
  excerpt: string;
  status: PostStatus;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  authorId: number;
  commentsOpen: boolean;
  pingsOpen: boolean;
}

export interface TagRow {
  id: number;
  name: string;
  slug: string;
}

export interface PostTagRow {
  postId: number;
  tagId: number;
}

export interface CommentRow {
  id: number;
  postId: number;
  parentId: number | null;
  depth: number;
  authorName: string;
  authorEmail: string;
  authorUrl: string | null;
  contentText: string;
  contentHtml: string;
  status: CommentStatus;
  /** Why the comment was held or marked as spam; for moderators only. */
  moderationReason: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  /** The signed-in user who wrote it (a reply from the moderation queue); null for visitors. */
  userId: number | null;
  /** Written by the post's own author. */
  byPostAuthor: boolean;
}

/** A saved version of a post's text, written on every save that changes it. */
export interface PostRevisionRow {
  id: number;
  postId: number;
  title: string;
  contentSource: string;
  contentFormat: ContentFormat;
  excerpt: string;
  /** JSON array of tag names. */
  tags: string;
  createdAt: Date;
  userId: number | null;
  /** Display name of the user who saved it, as it was; null when unknown (e.g. the seed). */
  createdByName: string | null;
}

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

/** Background work kept in the database, so a restart loses nothing. */
export interface JobRow {
  id: number;
  kind: string;
  /** JSON. */
  payload: string;
  status: JobStatus;
  attempts: number;
  runAt: Date;
  lockedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShareTargetRow {
  id: number;
  key: string;
  name: string;
  label: string;
  /** URL with {url}, {title} and {excerpt} placeholders. */
  urlTemplate: string;
  enabled: boolean;
  retired: boolean;
  retiredReason: string | null;
  position: number;
}

export interface SettingRow {
  key: string;
  value: string;
}

export type Role = 'ADMIN' | 'EDITOR' | 'AUTHOR';

export interface UserRow {
  id: number;
  /** Stored lowercased; unique. */
  email: string;
  displayName: string;
  /** scrypt, as `$scrypt$ln=…,r=…,p=…$salt$hash` (see modules/auth/passwords.ts). */
  passwordHash: string;
  role: Role;
  /** The author profile whose posts are this user's own. */
  authorId: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRow {
  id: number;
  userId: number;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
}

export interface ApiTokenRow {
  id: number;
  userId: number;
  name: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  tokenHash: string;
  /** Comma-separated ApiTokenScope values. */
  scopes: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/** One failed (or in-flight) sign-in, counted per email and per IP to slow down guessing. */
export interface SignInAttemptRow {
  id: number;
  /** SHA-256 (hex) of "email:…" or "ip:…", so typed addresses are not kept in clear. */
  subject: string;
  createdAt: Date;
}

/** The column type for timestamps: timestamptz on PostgreSQL, datetime (UTC text) on SQLite. */
export function timestampType(kind: DatabaseConfig['kind']): ColumnType {
  return kind === 'postgres' ? 'timestamptz' : 'datetime';
}

export function createEntities(kind: DatabaseConfig['kind']) {
  const ts = timestampType(kind);
  const id = { type: 'integer', primary: true, generated: 'increment' } as const;

  const Author = new EntitySchema<AuthorRow>({
    name: 'Author',
    tableName: 'authors',
    columns: {
      id,
      name: { type: 'varchar', length: 200 },
      email: { type: 'varchar', length: 254, unique: true },
      url: { type: 'varchar', length: 200, nullable: true },
      createdAt: { type: ts, name: 'created_at' },
    },
  });

  const Post = new EntitySchema<PostRow>({
    name: 'Post',
    tableName: 'posts',
    columns: {
      id,
      slug: { type: 'varchar', length: 200, unique: true },
      title: { type: 'varchar', length: 300 },
      contentHtml: { type: 'text', name: 'content_html' },
      contentSource: { type: 'text', name: 'content_source' },
      contentFormat: { type: 'varchar', length: 16, name: 'content_format', default: 'HTML' },
      excerpt: { type: 'text' },
      status: { type: 'varchar', length: 16 },
      publishedAt: { type: ts, name: 'published_at', nullable: true },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
      authorId: { type: 'integer', name: 'author_id' },
      commentsOpen: { type: 'boolean', name: 'comments_open' },
      pingsOpen: { type: 'boolean', name: 'pings_open' },
    },
  });

  const Tag = new EntitySchema<TagRow>({
    name: 'Tag',
    tableName: 'tags',
    columns: {
      id,
      name: { type: 'varchar', length: 100 },
      slug: { type: 'varchar', length: 100, unique: true },
    },
  });

  const PostTag = new EntitySchema<PostTagRow>({
    name: 'PostTag',
    tableName: 'post_tags',
    columns: {
      postId: { type: 'integer', primary: true, name: 'post_id' },
      tagId: { type: 'integer', primary: true, name: 'tag_id' },
    },
  });

  const Comment = new EntitySchema<CommentRow>({
    name: 'Comment',
    tableName: 'comments',
    columns: {
      id,
      postId: { type: 'integer', name: 'post_id' },
      parentId: { type: 'integer', name: 'parent_id', nullable: true },
      depth: { type: 'integer' },
      authorName: { type: 'varchar', length: 245, name: 'author_name' },
      authorEmail: { type: 'varchar', length: 100, name: 'author_email' },
      authorUrl: { type: 'varchar', length: 200, name: 'author_url', nullable: true },
      contentText: { type: 'text', name: 'content_text' },
      contentHtml: { type: 'text', name: 'content_html' },
      status: { type: 'varchar', length: 16 },
      moderationReason: { type: 'text', name: 'moderation_reason', nullable: true },
      ip: { type: 'varchar', length: 45, nullable: true },
      userAgent: { type: 'varchar', length: 255, name: 'user_agent', nullable: true },
      createdAt: { type: ts, name: 'created_at' },
      userId: { type: 'integer', name: 'user_id', nullable: true },
      byPostAuthor: { type: 'boolean', name: 'by_post_author', default: false },
    },
  });

  const PostRevision = new EntitySchema<PostRevisionRow>({
    name: 'PostRevision',
    tableName: 'post_revisions',
    columns: {
      id,
      postId: { type: 'integer', name: 'post_id' },
      title: { type: 'varchar', length: 300 },
      contentSource: { type: 'text', name: 'content_source' },
      contentFormat: { type: 'varchar', length: 16, name: 'content_format' },
      excerpt: { type: 'text' },
      tags: { type: 'text' },
      createdAt: { type: ts, name: 'created_at' },
      userId: { type: 'integer', name: 'user_id', nullable: true },
      createdByName: { type: 'varchar', length: 200, name: 'created_by_name', nullable: true },
    },
  });

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

  const Job = new EntitySchema<JobRow>({
    name: 'Job',
    tableName: 'jobs',
    columns: {
      id,
      kind: { type: 'varchar', length: 50 },
      payload: { type: 'text' },
      status: { type: 'varchar', length: 16 },
      attempts: { type: 'integer', default: 0 },
      runAt: { type: ts, name: 'run_at' },
      lockedAt: { type: ts, name: 'locked_at', nullable: true },
      lastError: { type: 'text', name: 'last_error', nullable: true },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });

  const ShareTarget = new EntitySchema<ShareTargetRow>({
    name: 'ShareTarget',
    tableName: 'share_targets',
    columns: {
      id,
      key: { type: 'varchar', length: 50, unique: true },
      name: { type: 'varchar', length: 100 },
      label: { type: 'varchar', length: 100 },
      urlTemplate: { type: 'varchar', length: 500, name: 'url_template' },
      enabled: { type: 'boolean' },
      retired: { type: 'boolean' },
      retiredReason: { type: 'varchar', length: 300, name: 'retired_reason', nullable: true },
      position: { type: 'integer' },
    },
  });

  const Setting = new EntitySchema<SettingRow>({
    name: 'Setting',
    tableName: 'settings',
    columns: {
      key: { type: 'varchar', length: 100, primary: true },
      value: { type: 'text' },
    },
  });

  const User = new EntitySchema<UserRow>({
    name: 'User',
    tableName: 'users',
    columns: {
      id,
      email: { type: 'varchar', length: 254, unique: true },
      displayName: { type: 'varchar', length: 200, name: 'display_name' },
      passwordHash: { type: 'varchar', length: 255, name: 'password_hash' },
      role: { type: 'varchar', length: 16 },
      authorId: { type: 'integer', name: 'author_id', unique: true },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });

  const Session = new EntitySchema<SessionRow>({
    name: 'Session',
    tableName: 'sessions',
    columns: {
      id,
      userId: { type: 'integer', name: 'user_id' },
      tokenHash: { type: 'varchar', length: 64, name: 'token_hash', unique: true },
      createdAt: { type: ts, name: 'created_at' },
      expiresAt: { type: ts, name: 'expires_at' },
      lastUsedAt: { type: ts, name: 'last_used_at' },
    },
  });

  const ApiToken = new EntitySchema<ApiTokenRow>({
    name: 'ApiToken',
    tableName: 'api_tokens',
    columns: {
      id,
      userId: { type: 'integer', name: 'user_id' },
      name: { type: 'varchar', length: 100 },
      tokenHash: { type: 'varchar', length: 64, name: 'token_hash', unique: true },
      scopes: { type: 'varchar', length: 100 },
      createdAt: { type: ts, name: 'created_at' },
      lastUsedAt: { type: ts, name: 'last_used_at', nullable: true },
      expiresAt: { type: ts, name: 'expires_at', nullable: true },
    },
  });

  const SignInAttempt = new EntitySchema<SignInAttemptRow>({
    name: 'SignInAttempt',
    tableName: 'sign_in_attempts',
    columns: {
      id,
      subject: { type: 'varchar', length: 64 },
      createdAt: { type: ts, name: 'created_at' },
    },
  });

  return {
    Author,
    Post,
    Tag,
    PostTag,
    Comment,
    PostRevision,
    Linkback,
    IncomingPing,
    OutgoingPing,
    Job,
    ShareTarget,
    Setting,
    User,
    Session,
    ApiToken,
    SignInAttempt,
  };
}

export type Entities = ReturnType<typeof createEntities>;
