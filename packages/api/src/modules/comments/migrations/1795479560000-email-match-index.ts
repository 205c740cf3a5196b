import type { MigrationInterface, QueryRunner } from 'typeorm';

// Frozen with this migration: it imports nothing that can change later, and
// its SQL runs unchanged on SQLite and PostgreSQL.
//
// Personal data requests find a person's comments by their address as
// written in any case and with stray spaces (addresses imported from
// WordPress keep theirs): `LOWER(TRIM(author_email))`, personal-data.ts's
// BY_EMAIL. Without an index on that expression, each export or erasure read
// every comment of the site. Both databases use an index on an expression
// only for a query that repeats it word for word, as BY_EMAIL does.
export class EmailMatchIndex1795479560000 implements MigrationInterface {
  name = 'EmailMatchIndex1795479560000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_comments_email_match ON comments (LOWER(TRIM(author_email)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_comments_email_match`);
  }
}
