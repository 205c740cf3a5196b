import { EntitySchema } from 'typeorm';
import { ID_COLUMN, type DbKind } from '../../db/columns.js';

/** What a WordPress source key stands for in Colloquy. */
export type SourceKind = 'author' | 'tag' | 'post' | 'comment' | 'linkback';

/**
 * One imported WordPress item: its key in the export (a post's GUID, a
 * comment's post GUID and comment id, an author's login, a term's slug) and
 * the row it became. A second import finds every item here and skips it.
 */
export interface WordpressSourceRow {
  id: number;
  kind: SourceKind;
  sourceKey: string;
  targetId: number;
}

/** An old WordPress permalink (path, or `/?p=<id>`) that answers 301 to the post it became. */
export interface LegacyUrlRow {
  id: number;
  path: string;
  postId: number;
}

export function wordpressEntities(_kind: DbKind) {
  const WordpressSource = new EntitySchema<WordpressSourceRow>({
    name: 'WordpressSource',
    tableName: 'wordpress_sources',
    columns: {
      id: ID_COLUMN,
      kind: { type: 'varchar', length: 16 },
      sourceKey: { type: 'varchar', length: 1000, name: 'source_key' },
      targetId: { type: 'integer', name: 'target_id' },
    },
  });
  const LegacyUrl = new EntitySchema<LegacyUrlRow>({
    name: 'LegacyUrl',
    tableName: 'legacy_urls',
    columns: {
      id: ID_COLUMN,
      path: { type: 'varchar', length: 2000, unique: true },
      postId: { type: 'integer', name: 'post_id' },
    },
  });
  return [WordpressSource, LegacyUrl];
}
