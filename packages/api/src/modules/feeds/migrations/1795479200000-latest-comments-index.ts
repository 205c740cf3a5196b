import type { MigrationInterface, QueryRunner } from 'typeorm';

// Frozen with this migration: it imports nothing that can change later, and
// its SQL runs unchanged on SQLite and PostgreSQL.
//
// The site's latest approved comments (the comments feed), newest first, read
// from an index in order and stopped after a page: without it, every approved
// comment would be read and sorted. Partial, so it holds the approved comments
// only; the feed's query names the status as a literal, which both databases
// need to see that the index applies.
export class LatestCommentsIndex1795479200000 implements MigrationInterface {
  name = 'LatestCommentsIndex1795479200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX idx_comments_approved_created ON comments (created_at, id)
       WHERE status = 'APPROVED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_comments_approved_created`);
  }
}
