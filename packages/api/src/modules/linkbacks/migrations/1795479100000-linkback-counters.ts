import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

// Frozen with this migration: it imports nothing that can change later.
//
// A counter of approved linkbacks per post, so that a post page reads its
// linkbackCount from one row instead of counting (or loading) every linkback;
// the writes keep it exact in the unit of work that changes a linkback. A post
// without a row has none. Back-filled from the linkbacks already stored.
//
// And the index the page of approved linkbacks reads by, oldest first on
// (created_at, id): it replaces the one without the id, which it covers.
export class LinkbackCounters1795479100000 implements MigrationInterface {
  name = 'LinkbackCounters1795479100000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'linkback_counters',
        columns: [
          { name: 'post_id', type: 'integer', isPrimary: true },
          { name: 'approved', type: 'integer', default: 0 },
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
    await q.query(
      `INSERT INTO linkback_counters (post_id, approved)
       SELECT post_id, COUNT(*) FROM linkbacks WHERE status = 'APPROVED' GROUP BY post_id`,
    );
    await q.createIndex(
      'linkbacks',
      new TableIndex({
        name: 'idx_linkbacks_post_status_created_id',
        columnNames: ['post_id', 'status', 'created_at', 'id'],
      }),
    );
    await q.dropIndex('linkbacks', 'idx_linkbacks_post_status_created');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'linkbacks',
      new TableIndex({
        name: 'idx_linkbacks_post_status_created',
        columnNames: ['post_id', 'status', 'created_at'],
      }),
    );
    await q.dropIndex('linkbacks', 'idx_linkbacks_post_status_created_id');
    await q.dropTable('linkback_counters');
  }
}
