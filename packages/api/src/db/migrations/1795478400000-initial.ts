import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

// Frozen with this migration: it imports nothing that can change later.
function timestampType(kind: string): 'timestamptz' | 'datetime' {
  return kind === 'postgres' ? 'timestamptz' : 'datetime';
}

// Written with TypeORM's driver-neutral Table API so the same migration runs on
// SQLite and PostgreSQL. Only the timestamp type differs between the two.
export class Initial1795478400000 implements MigrationInterface {
  name = 'Initial1795478400000';

  async up(q: QueryRunner): Promise<void> {
    const ts = timestampType(
      q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite',
    ) as string;
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    const fk = (column: string, table: string, onDelete = 'CASCADE') =>
      new TableForeignKey({
        columnNames: [column],
        referencedTableName: table,
        referencedColumnNames: ['id'],
        onDelete,
      });

    await q.createTable(
      new Table({
        name: 'authors',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'email', type: 'varchar', length: '254', isUnique: true },
          { name: 'url', type: 'varchar', length: '200', isNullable: true },
          { name: 'created_at', type: ts },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'posts',
        columns: [
          id,
          { name: 'slug', type: 'varchar', length: '200', isUnique: true },
          { name: 'title', type: 'varchar', length: '300' },
          { name: 'content_html', type: 'text' },
          { name: 'content_source', type: 'text' },
          { name: 'excerpt', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'published_at', type: ts, isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
          { name: 'author_id', type: 'integer' },
          { name: 'comments_open', type: 'boolean' },
          { name: 'pings_open', type: 'boolean' },
        ],
        foreignKeys: [fk('author_id', 'authors', 'RESTRICT')],
        indices: [
          new TableIndex({
            name: 'idx_posts_status_published',
            columnNames: ['status', 'published_at'],
          }),
          new TableIndex({ name: 'idx_posts_author', columnNames: ['author_id'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'tags',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'slug', type: 'varchar', length: '100', isUnique: true },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'post_tags',
        columns: [
          { name: 'post_id', type: 'integer', isPrimary: true },
          { name: 'tag_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [fk('post_id', 'posts'), fk('tag_id', 'tags')],
        indices: [new TableIndex({ name: 'idx_post_tags_tag', columnNames: ['tag_id'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'comments',
        columns: [
          id,
          { name: 'post_id', type: 'integer' },
          { name: 'parent_id', type: 'integer', isNullable: true },
          { name: 'depth', type: 'integer' },
          { name: 'author_name', type: 'varchar', length: '245' },
          { name: 'author_email', type: 'varchar', length: '100' },
          { name: 'author_url', type: 'varchar', length: '200', isNullable: true },
          { name: 'content_text', type: 'text' },
          { name: 'content_html', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '255', isNullable: true },
          { name: 'created_at', type: ts },
        ],
        foreignKeys: [fk('post_id', 'posts'), fk('parent_id', 'comments')],
        indices: [
          new TableIndex({
            name: 'idx_comments_post_status_created',
            columnNames: ['post_id', 'status', 'created_at'],
          }),
          new TableIndex({ name: 'idx_comments_parent', columnNames: ['parent_id'] }),
          new TableIndex({
            name: 'idx_comments_email_status',
            columnNames: ['author_email', 'status'],
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'linkbacks',
        columns: [
          id,
          { name: 'post_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'source_url', type: 'varchar', length: '2000' },
          { name: 'title', type: 'varchar', length: '300', isNullable: true },
          { name: 'excerpt', type: 'text', isNullable: true },
          { name: 'blog_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'created_at', type: ts },
        ],
        foreignKeys: [fk('post_id', 'posts')],
        indices: [
          new TableIndex({
            name: 'idx_linkbacks_post_status_created',
            columnNames: ['post_id', 'status', 'created_at'],
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'share_targets',
        columns: [
          id,
          { name: 'key', type: 'varchar', length: '50', isUnique: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'label', type: 'varchar', length: '100' },
          { name: 'url_template', type: 'varchar', length: '500' },
          { name: 'enabled', type: 'boolean' },
          { name: 'retired', type: 'boolean' },
          { name: 'retired_reason', type: 'varchar', length: '300', isNullable: true },
          { name: 'position', type: 'integer' },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'settings',
        columns: [
          { name: 'key', type: 'varchar', length: '100', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'settings',
      'share_targets',
      'linkbacks',
      'comments',
      'post_tags',
      'tags',
      'posts',
      'authors',
    ]) {
      await q.dropTable(table);
    }
  }
}
