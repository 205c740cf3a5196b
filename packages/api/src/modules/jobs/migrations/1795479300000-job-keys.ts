import type { MigrationInterface, QueryRunner } from 'typeorm';

// Frozen with this migration: it imports nothing that can change later, and
// its SQL runs unchanged on SQLite and PostgreSQL.
//
// A job may carry a key (a scheduled post's publication: `post.live:<id>`).
// At most one job with a given key waits in the queue: enqueueing with a key
// replaces the waiting one, and a key names what to cancel. A partial unique
// index, so that jobs without a key (NULL) and jobs already running or done
// are not constrained.
export class JobKeys1795479300000 implements MigrationInterface {
  name = 'JobKeys1795479300000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: instant on both databases (TypeORM's addColumn rebuilds a SQLite table).
    await q.query(`ALTER TABLE jobs ADD COLUMN dedupe_key varchar(200)`);
    await q.query(
      `CREATE UNIQUE INDEX uq_jobs_queued_key ON jobs (dedupe_key) WHERE status = 'queued'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX uq_jobs_queued_key`);
    await q.query(`ALTER TABLE jobs DROP COLUMN dedupe_key`);
  }
}
