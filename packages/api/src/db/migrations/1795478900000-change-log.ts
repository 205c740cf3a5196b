import type { MigrationInterface, QueryRunner } from 'typeorm';

// The SQLite change log: each committed unit of work that changed what
// readers see adds a row naming its tags, so that the other processes on the
// same file (the CLI, a second server) can drop what their caches hold. On
// PostgreSQL changes travel by NOTIFY instead and there is no table.
// AUTOINCREMENT: an id is never reused after old rows are pruned, so a reader
// that remembers the last id it saw never misses a row.
export class ChangeLog1795478900000 implements MigrationInterface {
  name = 'ChangeLog1795478900000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') return;
    await q.query(
      `CREATE TABLE "change_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "origin" varchar(64) NOT NULL, "tags" text NOT NULL, "created_at" datetime NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') return;
    await q.query(`DROP TABLE "change_log"`);
  }
}
