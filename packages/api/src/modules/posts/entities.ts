import { EntitySchema } from 'typeorm';
import { ID_COLUMN, timestampType, type DbKind } from '../../db/columns.js';

/** TRASH: taken out of the site, waiting to be restored (as a draft) or deleted for good. */
export type PostStatus = 'DRAFT' | 'PUBLISHED' | 'TRASH';

/** What the editor wrote the post's content in; it is always stored rendered as sanitized HTML too. */
export type ContentFormat = 'HTML' | 'MARKDOWN';

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

/** The tables of posts: authors, posts, tags and revisions. */
export function postEntities(kind: DbKind) {
  const ts = timestampType(kind);
  const id = ID_COLUMN;

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

  return [Author, Post, Tag, PostTag, PostRevision];
}
