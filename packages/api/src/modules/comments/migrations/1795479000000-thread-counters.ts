import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

// Frozen with this migration: it imports nothing that can change later, and
// its SQL runs unchanged on SQLite (3.35 or later, as the sqlite3 package
// bundles) and PostgreSQL.
//
// Thread counters, so that reading a page of a thread costs the page and not
// the thread:
// - comments.reply_count: the comment's approved direct replies;
// - comment_threads: per post, the approved comments readers can reach (a
//   comment counts when it and all its ancestors are approved) and the
//   approved top-level ones. A table of the comments module rather than
//   columns on posts: the posts module owns that table, and an editor's
//   post update never waits on (nor writes over) a comment's counter update.
// Both are kept exact by the comments module in the unit of work of every
// change (counters.ts); a post without a row has no approved comments.
//
// The indexes are what the thread's keyset pages read by: a post's approved
// top-level comments and a comment's approved replies, both in (created_at, id)
// order. The second one starts with parent_id, so it replaces idx_comments_parent
// (foreign-key checks and subtree walks use it as well).
export class ThreadCounters1795479000000 implements MigrationInterface {
  name = 'ThreadCounters1795479000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: instant on both databases (TypeORM's addColumn rebuilds a SQLite table).
    await q.query(`ALTER TABLE comments ADD COLUMN reply_count integer NOT NULL DEFAULT 0`);
    await q.createTable(
      new Table({
        name: 'comment_threads',
        columns: [
          { name: 'post_id', type: 'integer', isPrimary: true },
          { name: 'comment_count', type: 'integer', default: 0 },
          { name: 'top_level_count', type: 'integer', default: 0 },
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
    // Partial: PostgreSQL reads an index in order only after equality conditions, and
    // `parent_id IS NULL` is not one (it would read and sort every top-level comment).
    await q.query(
      `CREATE INDEX idx_comments_top_level ON comments (post_id, status, created_at, id)
       WHERE parent_id IS NULL`,
    );
    await q.query(
      `CREATE INDEX idx_comments_replies ON comments (parent_id, status, created_at, id)`,
    );
    await q.query(`DROP INDEX idx_comments_parent`);

    // Back-fill: the same numbers a from-scratch recount gives.
    await q.query(
      `UPDATE comments SET reply_count = r.n
       FROM (SELECT parent_id, COUNT(*) AS n FROM comments
             WHERE status = 'APPROVED' AND parent_id IS NOT NULL GROUP BY parent_id) AS r
       WHERE comments.id = r.parent_id`,
    );
    await q.query(
      `INSERT INTO comment_threads (post_id, comment_count, top_level_count)
       SELECT post_id, COUNT(*), SUM(top) FROM (
         WITH RECURSIVE reachable(id, post_id, top) AS (
           SELECT id, post_id, 1 FROM comments WHERE parent_id IS NULL AND status = 'APPROVED'
           UNION ALL
           SELECT c.id, c.post_id, 0 FROM comments c JOIN reachable p ON c.parent_id = p.id
           WHERE c.status = 'APPROVED'
         )
         SELECT post_id, top FROM reachable
       ) AS t
       GROUP BY post_id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_comments_parent ON comments (parent_id)`);
    await q.query(`DROP INDEX idx_comments_replies`);
    await q.query(`DROP INDEX idx_comments_top_level`);
    await q.dropTable('comment_threads');
    await q.query(`ALTER TABLE comments DROP COLUMN reply_count`);
  }
}
