import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

// Frozen with this migration: it imports nothing that can change later.
//
// The WordPress import's memory: which item of an export became which row
// (so a second import skips what the first one stored), and the old
// permalinks of imported posts, which answer 301 to the post's new URL.
export class Wordpress1795479540000 implements MigrationInterface {
  name = 'Wordpress1795479540000';

  async up(q: QueryRunner): Promise<void> {
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    await q.createTable(
      new Table({
        name: 'wordpress_sources',
        columns: [
          id,
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'source_key', type: 'varchar', length: '1000' },
          { name: 'target_id', type: 'integer' },
        ],
      }),
    );
    await q.createIndex(
      'wordpress_sources',
      new TableIndex({
        name: 'uq_wordpress_sources_kind_key',
        columnNames: ['kind', 'source_key'],
        isUnique: true,
      }),
    );
    await q.createTable(
      new Table({
        name: 'legacy_urls',
        columns: [
          id,
          { name: 'path', type: 'varchar', length: '2000', isUnique: true },
          { name: 'post_id', type: 'integer' },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['post_id'],
            referencedTableName: 'posts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('legacy_urls');
    await q.dropTable('wordpress_sources');
  }
}
