import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

// Discussion settings live in the existing `settings` table (keys
// `discussion.*`, defaults in code), so this migration only adds what the
// comment pipeline stores and looks up.
export class Discussion1795478600000 implements MigrationInterface {
  name = 'Discussion1795478600000';

  async up(q: QueryRunner): Promise<void> {
    // Why a comment was held or marked as spam, for moderators; null when approved at once.
    await q.addColumn(
      'comments',
      new TableColumn({ name: 'moderation_reason', type: 'text', isNullable: true }),
    );
    // The flood rule looks up the latest comment from an IP address.
    await q.createIndex(
      'comments',
      new TableIndex({ name: 'idx_comments_ip_created', columnNames: ['ip', 'created_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('comments', 'idx_comments_ip_created');
    await q.dropColumn('comments', 'moderation_reason');
  }
}
