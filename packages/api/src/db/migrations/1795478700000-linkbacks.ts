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

// Linkbacks received and sent: authors and mention types on linkbacks, the
// record of received pings (webmention status URLs, per-host rate limit), the
// record of pings sent, and the durable job queue. Driver-neutral Table API,
// like the initial migration.
export class Linkbacks1795478700000 implements MigrationInterface {
  name = 'Linkbacks1795478700000';

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

    await q.addColumns('linkbacks', [
      new TableColumn({ name: 'target_url', type: 'varchar', length: '2000', isNullable: true }),
      new TableColumn({ name: 'author_name', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'author_url', type: 'varchar', length: '2000', isNullable: true }),
      new TableColumn({ name: 'author_photo', type: 'varchar', length: '2000', isNullable: true }),
      new TableColumn({
        name: 'mention_type',
        type: 'varchar',
        length: '16',
        default: "'MENTION'",
      }),
      new TableColumn({ name: 'updated_at', type: ts, isNullable: true }),
    ]);
    // One linkback per source and post: a repeated trackback or pingback is refused, a repeated webmention updates it.
    await q.createIndex(
      'linkbacks',
      new TableIndex({
        name: 'uq_linkbacks_post_source',
        columnNames: ['post_id', 'source_url'],
        isUnique: true,
      }),
    );
    await q.createIndex(
      'linkbacks',
      new TableIndex({
        name: 'idx_linkbacks_status_created',
        columnNames: ['status', 'created_at'],
      }),
    );

    await q.createTable(
      new Table({
        name: 'incoming_pings',
        columns: [
          id,
          { name: 'token', type: 'varchar', length: '64', isUnique: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'source_url', type: 'varchar', length: '2000' },
          { name: 'target_url', type: 'varchar', length: '2000' },
          { name: 'post_id', type: 'integer', isNullable: true },
          { name: 'source_host', type: 'varchar', length: '255' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'result', type: 'varchar', length: '16', isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'linkback_id', type: 'integer', isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
        foreignKeys: [fk('post_id', 'posts'), fk('linkback_id', 'linkbacks', 'SET NULL')],
        indices: [
          new TableIndex({
            name: 'idx_incoming_pings_host_created',
            columnNames: ['source_host', 'created_at'],
          }),
          new TableIndex({ name: 'idx_incoming_pings_post', columnNames: ['post_id'] }),
          new TableIndex({ name: 'idx_incoming_pings_linkback', columnNames: ['linkback_id'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'outgoing_pings',
        columns: [
          id,
          { name: 'post_id', type: 'integer' },
          { name: 'target_url', type: 'varchar', length: '2000' },
          { name: 'endpoint', type: 'varchar', length: '2000', isNullable: true },
          { name: 'protocol', type: 'varchar', length: '16', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'link_removed', type: 'boolean', default: false },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'last_response', type: 'text', isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
        foreignKeys: [fk('post_id', 'posts')],
        indices: [
          new TableIndex({
            name: 'uq_outgoing_pings_post_target',
            columnNames: ['post_id', 'target_url'],
            isUnique: true,
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'jobs',
        columns: [
          id,
          { name: 'kind', type: 'varchar', length: '50' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'run_at', type: ts },
          { name: 'locked_at', type: ts, isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
        indices: [
          new TableIndex({ name: 'idx_jobs_status_run_at', columnNames: ['status', 'run_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['jobs', 'outgoing_pings', 'incoming_pings']) await q.dropTable(table);
    await q.dropIndex('linkbacks', 'idx_linkbacks_status_created');
    await q.dropIndex('linkbacks', 'uq_linkbacks_post_source');
    for (const column of [
      'updated_at',
      'mention_type',
      'author_photo',
      'author_url',
      'author_name',
      'target_url',
    ]) {
      await q.dropColumn('linkbacks', column);
    }
  }
}
