import { defineModule } from '../module.js';
import { jobEntities } from './entities.js';
import { JobQueue } from './job-queue.js';
import { JobKeys1795479300000 } from './migrations/1795479300000-job-keys.js';

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
});
