import type { TestProject } from 'vitest/node';
import { findPgBin, startPgCluster, type PgCluster } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the throwaway PostgreSQL cluster, or null when PostgreSQL tests are skipped. */
    pgAdminUrl: string | null;
  }
}

let cluster: PgCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const bin = findPgBin();
  if (!bin) {
    const reason = 'PostgreSQL 15 binaries not found (apt-get install postgresql, or set PG_BIN)';
    // CI must run everything: a missing tool fails the run instead of skipping.
    if (process.env.CI) throw new Error(`${reason}: CI cannot skip the PostgreSQL suite.`);
    console.warn(`\n  Skipping the PostgreSQL runs: ${reason}.\n`);
    project.provide('pgAdminUrl', null);
    return;
  }
  cluster = await startPgCluster(bin);
  project.provide('pgAdminUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
