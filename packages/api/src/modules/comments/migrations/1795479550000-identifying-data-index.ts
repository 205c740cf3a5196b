import type { MigrationInterface, QueryRunner } from 'typeorm';

// Frozen with this migration: it imports nothing that can change later, and
// its SQL runs unchanged on SQLite and PostgreSQL.
//
// The comments that still hold an IP address or a user agent, by age: the
// retention job (comments/retention.ts) clears those older than the
// discussion setting in batches, each batch read from this index rather than
// from every comment. Partial, so it holds only the comments still to be
// cleared and shrinks as the job goes; the job's query repeats the condition
// word for word, which both databases need to see that the index applies.
export class IdentifyingDataIndex1795479550000 implements MigrationInterface {
  name = 'IdentifyingDataIndex1795479550000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX idx_comments_identifying_created ON comments (created_at)
       WHERE (ip IS NOT NULL OR user_agent IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_comments_identifying_created`);
  }
}
