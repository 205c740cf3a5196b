import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

// Frozen with this migration: it imports nothing that can change later, and
// uses the driver-neutral Table API, so it runs on SQLite and PostgreSQL alike.
//
// Webhooks: the endpoints administrators configure, one row per message to
// an endpoint (its body kept, so a retry or redelivery sends the same bytes),
// and one row per attempt to deliver it (the delivery log). Deleting an
// endpoint deletes its log.
export class Webhooks1795479510000 implements MigrationInterface {
  name = 'Webhooks1795479510000';

  async up(q: QueryRunner): Promise<void> {
    const ts = q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    const fk = (column: string, table: string) =>
      new TableForeignKey({
        columnNames: [column],
        referencedTableName: table,
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });

    await q.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          id,
          { name: 'url', type: 'varchar', length: '2000' },
          { name: 'description', type: 'varchar', length: '500' },
          { name: 'events', type: 'varchar', length: '500' },
          { name: 'secret', type: 'varchar', length: '200' },
          { name: 'include_private_data', type: 'boolean' },
          { name: 'enabled', type: 'boolean' },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          id,
          { name: 'endpoint_id', type: 'integer' },
          { name: 'message_id', type: 'varchar', length: '64', isUnique: true },
          { name: 'event_type', type: 'varchar', length: '50' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer' },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
        foreignKeys: [fk('endpoint_id', 'webhook_endpoints')],
        indices: [
          new TableIndex({
            name: 'idx_webhook_deliveries_endpoint',
            columnNames: ['endpoint_id', 'id'],
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'webhook_attempts',
        columns: [
          id,
          { name: 'delivery_id', type: 'integer' },
          { name: 'attempt', type: 'integer' },
          { name: 'attempted_at', type: ts },
          { name: 'response_status', type: 'integer', isNullable: true },
          { name: 'duration_ms', type: 'integer' },
          { name: 'error', type: 'varchar', length: '500', isNullable: true },
        ],
        foreignKeys: [fk('delivery_id', 'webhook_deliveries')],
        indices: [
          new TableIndex({
            name: 'idx_webhook_attempts_delivery',
            columnNames: ['delivery_id', 'attempt'],
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhook_attempts');
    await q.dropTable('webhook_deliveries');
    await q.dropTable('webhook_endpoints');
  }
}
