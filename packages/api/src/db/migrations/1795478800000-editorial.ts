import {
  Table,
  TableColumn,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

// Frozen with this migration: it imports nothing that can change later.
function timestampType(kind: string): 'timestamptz' | 'datetime' {
  return kind === 'postgres' ? 'timestamptz' : 'datetime';
}

// The editorial API: the format a post was written in, its revisions, replies
// written by the post's author from the moderation queue, and the indexes the
// editors' queues sort by. Driver-neutral like the initial migration.
export class Editorial1795478800000 implements MigrationInterface {
  name = 'Editorial1795478800000';

  async up(q: QueryRunner): Promise<void> {
    const ts = timestampType(
      q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite',
    ) as string;

    // Existing posts (the seed) were written as HTML.
    await q.addColumn(
      'posts',
      new TableColumn({ name: 'content_format', type: 'varchar', length: '16', default: "'HTML'" }),
    );
    await q.createIndex(
      'posts',
      new TableIndex({ name: 'idx_posts_updated', columnNames: ['updated_at'] }),
    );

    await q.createTable(
      new Table({
        name: 'post_revisions',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'post_id', type: 'integer' },
          { name: 'title', type: 'varchar', length: '300' },
          { name: 'content_source', type: 'text' },
          { name: 'content_format', type: 'varchar', length: '16' },
          { name: 'excerpt', type: 'text' },
          // JSON array of tag names, as they were.
          { name: 'tags', type: 'text' },
          { name: 'created_at', type: ts },
          { name: 'user_id', type: 'integer', isNullable: true },
          // Kept as written, so the history still says who when the user is gone.
          { name: 'created_by_name', type: 'varchar', length: '200', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['post_id'],
            referencedTableName: 'posts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
        indices: [
          new TableIndex({
            name: 'idx_post_revisions_post_created',
            columnNames: ['post_id', 'created_at'],
          }),
        ],
      }),
    );

    await q.addColumns('comments', [
      // The signed-in user who wrote it (replies from the moderation queue); null for visitors.
      new TableColumn({ name: 'user_id', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'by_post_author', type: 'boolean', default: false }),
    ]);
    await q.createIndex(
      'comments',
      new TableIndex({
        name: 'idx_comments_status_created',
        columnNames: ['status', 'created_at'],
      }),
    );
    // The linkbacks queue reads by (status, created_at) too: idx_linkbacks_status_created
    // comes with the linkbacks migration (1795478700000).
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('comments', 'idx_comments_status_created');
    await q.dropColumn('comments', 'by_post_author');
    await q.dropColumn('comments', 'user_id');
    await q.dropTable('post_revisions');
    await q.dropIndex('posts', 'idx_posts_updated');
    await q.dropColumn('posts', 'content_format');
  }
}
