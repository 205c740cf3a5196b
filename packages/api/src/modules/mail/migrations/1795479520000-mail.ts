import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

// Frozen with this migration: it imports nothing that can change later.
//
// Email notifications: each user's choice (no row: their role's default),
// the "notify me of replies" subscriptions (one per comment, no copy of the
// address: it is the comment's), and one row per message to send, which its
// job marks sent. Its index finds whether a message about a subject was
// queued already (a comment approved, moved away and approved again is
// mailed about once).
export class Mail1795479520000 implements MigrationInterface {
  name = 'Mail1795479520000';

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
        name: 'mail_preferences',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'notify_on_held', type: 'boolean' },
          { name: 'updated_at', type: ts },
        ],
        foreignKeys: [fk('user_id', 'users')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'reply_subscriptions',
        columns: [
          id,
          { name: 'comment_id', type: 'integer', isUnique: true },
          { name: 'post_id', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'created_at', type: ts },
          { name: 'confirmed_at', type: ts, isNullable: true },
          { name: 'unsubscribed_at', type: ts, isNullable: true },
        ],
        foreignKeys: [fk('comment_id', 'comments'), fk('post_id', 'posts')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'mail_messages',
        columns: [
          id,
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'subscription_id', type: 'integer', isNullable: true },
          { name: 'subject_id', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'created_at', type: ts },
          { name: 'sent_at', type: ts, isNullable: true },
        ],
        foreignKeys: [fk('user_id', 'users'), fk('subscription_id', 'reply_subscriptions')],
        indices: [
          new TableIndex({
            name: 'idx_mail_messages_subject',
            columnNames: ['subject_id', 'kind'],
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('mail_messages');
    await q.dropTable('reply_subscriptions');
    await q.dropTable('mail_preferences');
  }
}
