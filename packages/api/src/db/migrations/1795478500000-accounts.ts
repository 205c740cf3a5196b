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

// Users, their sessions and API tokens, and the sign-in attempts that slow
// down password guessing. Driver-neutral like the initial migration.
export class Accounts1795478500000 implements MigrationInterface {
  name = 'Accounts1795478500000';

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
    const fk = (column: string, table: string, onDelete: string) =>
      new TableForeignKey({
        columnNames: [column],
        referencedTableName: table,
        referencedColumnNames: ['id'],
        onDelete,
      });

    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'email', type: 'varchar', length: '254', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '200' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'author_id', type: 'integer', isUnique: true },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
        foreignKeys: [fk('author_id', 'authors', 'RESTRICT')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'created_at', type: ts },
          { name: 'expires_at', type: ts },
          { name: 'last_used_at', type: ts },
        ],
        foreignKeys: [fk('user_id', 'users', 'CASCADE')],
        indices: [new TableIndex({ name: 'idx_sessions_user', columnNames: ['user_id'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'scopes', type: 'varchar', length: '100' },
          { name: 'created_at', type: ts },
          { name: 'last_used_at', type: ts, isNullable: true },
          { name: 'expires_at', type: ts, isNullable: true },
        ],
        foreignKeys: [fk('user_id', 'users', 'CASCADE')],
        indices: [new TableIndex({ name: 'idx_api_tokens_user', columnNames: ['user_id'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'sign_in_attempts',
        columns: [
          id,
          { name: 'subject', type: 'varchar', length: '64' },
          { name: 'created_at', type: ts },
        ],
        indices: [
          new TableIndex({
            name: 'idx_sign_in_attempts_subject_created',
            columnNames: ['subject', 'created_at'],
          }),
          // For forgetting old attempts.
          new TableIndex({ name: 'idx_sign_in_attempts_created', columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['sign_in_attempts', 'api_tokens', 'sessions', 'users']) {
      await q.dropTable(table);
    }
  }
}
