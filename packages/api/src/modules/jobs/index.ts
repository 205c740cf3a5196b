import { defineModule } from '../module.js';
import { jobEntities } from './entities.js';
import { JobQueue } from './job-queue.js';
import { JobKeys1795479300000 } from './migrations/1795479300000-job-keys.js';
import { daysBefore, RETENTION_EVERY_MS } from './recurring.js';

/** The recurring job that deletes finished jobs older than RETAIN_JOBS_DAYS. */
export const PRUNE_JOBS_JOB = 'jobs.prune';

/**
 * The durable job queue (the `jobs` table). Modules declare their handlers
 * (ColloquyModule.jobs); the app's worker runs them.
 */
export const jobsModule = defineModule({
  name: 'jobs',
  entities: jobEntities,
  privateTables: ['jobs'],
  migrations: [JobKeys1795479300000],
  services: ({ db, config }) => ({ jobs: new JobQueue({ db, config }) }),
  jobs: ({ jobs, config }) => ({
    [PRUNE_JOBS_JOB]: async () =>
      void (await jobs.pruneFinished(daysBefore(new Date(), config.retention.jobsDays))),
  }),
  recurring: { [PRUNE_JOBS_JOB]: RETENTION_EVERY_MS },
});
