import { defineModule } from '../../src/modules/module.js';

/** The job kind the recorder module handles. */
export const RECORD_JOB = 'test.record';

/** Payload of a RECORD_JOB: `failures` attempts fail before one succeeds. */
export interface RecordPayload {
  n: number;
  failures?: number;
}

/** One run of a RECORD_JOB, as its handler saw it. */
export interface Run {
  n: number;
  /** Which app (process) ran it. */
  worker: string;
  attempt: number;
  /** Epoch ms when the handler started. */
  at: number;
  /** The running app's SQL statement count when the handler started (see recorderModule). */
  statements: number;
}

/**
 * A module whose only part is a job handler that records each run in `runs`
 * (shared by the test's apps, so one list tells which app ran what) with the
 * `statements` count of its app, then fails on purpose while `failures`
 * attempts have not yet failed.
 */
export function recorderModule(worker: string, runs: Run[], statements: () => number = () => 0) {
  return defineModule({
    name: `recorder`,
    jobs: () => ({
      [RECORD_JOB]: async (payload, { attempt }) => {
        const { n, failures = 0 } = payload as RecordPayload;
        runs.push({ n, worker, attempt, at: Date.now(), statements: statements() });
        // A little work, so that several workers' runs overlap.
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (attempt <= failures) throw new Error(`attempt ${attempt} fails on purpose`);
      },
    }),
  });
}

/** Resolves once `done()` holds (checked every 20 ms); fails after 10 s, saying `what`. */
export async function eventually(what: string, done: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
