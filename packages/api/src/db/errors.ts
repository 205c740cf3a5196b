import { QueryFailedError } from 'typeorm';

/** True when a write failed on a UNIQUE constraint (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown; message?: unknown } | undefined;
  return (
    driverError?.code === '23505' ||
    (typeof driverError?.message === 'string' && driverError.message.includes('UNIQUE constraint'))
  );
}
