import { EntitySchema } from 'typeorm';
import { ID_COLUMN, timestampType, type DbKind } from '../../db/columns.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** Background work kept in the database, so a restart loses nothing. */
export interface JobRow {
  id: number;
  kind: string;
  /** JSON. */
  payload: string;
  status: JobStatus;
  attempts: number;
  runAt: Date;
  lockedAt: Date | null;
  lastError: string | null;
  /** At most one queued job has a given key (see JobQueue.enqueue); null for most jobs. */
  dedupeKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The durable job queue. */
export function jobEntities(kind: DbKind) {
  const ts = timestampType(kind);
  const id = ID_COLUMN;

  const Job = new EntitySchema<JobRow>({
    name: 'Job',
    tableName: 'jobs',
    columns: {
      id,
      kind: { type: 'varchar', length: 50 },
      payload: { type: 'text' },
      status: { type: 'varchar', length: 16 },
      attempts: { type: 'integer', default: 0 },
      runAt: { type: ts, name: 'run_at' },
      lockedAt: { type: ts, name: 'locked_at', nullable: true },
      lastError: { type: 'text', name: 'last_error', nullable: true },
      dedupeKey: { type: 'varchar', length: 200, name: 'dedupe_key', nullable: true },
      createdAt: { type: ts, name: 'created_at' },
      updatedAt: { type: ts, name: 'updated_at' },
    },
  });

  return [Job];
}
