import { GraphQLError } from 'graphql';
import type { Database } from '../../db/database.js';
import { clean, EMAIL } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { assertCan } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import type { ErasureMode, PersonalDataSources } from '../module.js';
import { LIMITS, messages } from './messages.js';

/** A person's data, part by part (each module's records, JSON-ready). */
export interface PersonalDataExportModel {
  email: string;
  exportedAt: Date;
  parts: Record<string, unknown[]>;
}

export interface PersonalDataCount {
  name: string;
  count: number;
}

/** Where requests are recorded: the app's logger, or the CLI's stderr. Never given the address. */
export interface AuditLog {
  info(details: object, message: string): void;
}

/** Who asked: a signed-in admin, or the operator at the CLI (the database's own authority). */
export type Actor = { userId: number } | 'cli';

const ERASURE_MODES: readonly ErasureMode[] = ['REMOVE', 'ANONYMISE'];

/**
 * Personal data by email address (GDPR articles 15 and 17, as WordPress's
 * privacy tools): the export and the erasure of every module's part
 * (ColloquyModule.personalData). The address is matched trimmed and without
 * case; the audit line names the actor, the mode and the counts, never the
 * address.
 */
export class PrivacyService {
  constructor(private readonly deps: { db: Database; personalData: PersonalDataSources }) {}

  /** The address as it is matched, or the error to show. */
  normalise(raw: string): { email: string } | { error: UserError } {
    const email = clean(raw).toLowerCase();
    const error = (code: string, message: string) => ({ error: { field: 'email', code, message } });
    if (!email) return error('REQUIRED', messages.emailRequired);
    if (email.length > LIMITS.email) return error('TOO_LONG', messages.emailTooLong);
    if (!EMAIL.test(email)) return error('INVALID_EMAIL', messages.emailInvalid);
    return { email };
  }

  async export(
    actor: Actor,
    raw: string,
    log: AuditLog,
  ): Promise<{ export: PersonalDataExportModel | null; errors: UserError[] }> {
    const normalised = this.normalise(raw);
    if ('error' in normalised) return { export: null, errors: [normalised.error] };
    const parts: Record<string, unknown[]> = {};
    for (const [name, source] of this.deps.personalData.entries())
      parts[name] = await source.export(normalised.email);
    log.info(
      { privacy: 'export', actor: actorName(actor), counts: countsOf(parts) },
      'personal data exported',
    );
    return { export: { email: normalised.email, exportedAt: new Date(), parts }, errors: [] };
  }

  /** Erases every module's part in one unit of work: all of it, or (on failure) none. */
  async erase(
    actor: Actor,
    raw: string,
    mode: string,
    log: AuditLog,
  ): Promise<{
    mode: ErasureMode | null;
    erased: PersonalDataCount[] | null;
    errors: UserError[];
  }> {
    const normalised = this.normalise(raw);
    const errors: UserError[] = 'error' in normalised ? [normalised.error] : [];
    const known = ERASURE_MODES.find((m) => m === mode);
    if (!known)
      errors.push({ field: 'mode', code: 'INVALID_CHOICE', message: messages.modeInvalid });
    if ('error' in normalised || !known) return { mode: null, erased: null, errors };
    const erased = await this.deps.db.write(async (em) => {
      // Readers' tags are named by each part; a part that finds nothing changes nothing.
      this.deps.db.changed();
      const counts: PersonalDataCount[] = [];
      // Last module first: a later module's part may be found through an earlier one's
      // rows (mail's subscriptions through the comments' addresses), before those go.
      for (const [name, source] of this.deps.personalData.entries().reverse())
        counts.unshift({ name, count: await source.erase(em, normalised.email, known) });
      return counts;
    });
    log.info(
      { privacy: 'erase', actor: actorName(actor), mode: known, counts: erased },
      'personal data erased',
    );
    return { mode: known, erased, errors: [] };
  }

  /** For GraphQL: ADMIN only; a bad address is a BAD_USER_INPUT error (the query's type is not a payload). */
  async exportAs(
    viewer: Viewer | null,
    raw: string,
    log: AuditLog,
  ): Promise<PersonalDataExportModel> {
    const admin = assertCan(viewer, 'personalData:manage');
    const { export: data, errors } = await this.export({ userId: admin.userId }, raw, log);
    if (!data) {
      const [error] = errors;
      throw new GraphQLError(error!.message, {
        extensions: { code: 'BAD_USER_INPUT', field: error!.field, reason: error!.code },
      });
    }
    return data;
  }

  eraseAs(viewer: Viewer | null, raw: string, mode: ErasureMode, log: AuditLog) {
    const admin = assertCan(viewer, 'personalData:manage');
    return this.erase({ userId: admin.userId }, raw, mode, log);
  }
}

function actorName(actor: Actor): string {
  return actor === 'cli' ? 'cli' : `user ${actor.userId}`;
}

/** The export as one JSON document: GraphQL's `json` and the CLI's file alike. */
export function exportJson(data: PersonalDataExportModel): string {
  return `${JSON.stringify(
    { email: data.email, exportedAt: data.exportedAt.toISOString(), ...data.parts },
    null,
    2,
  )}\n`;
}

export function countsOf(parts: Record<string, unknown[]>): PersonalDataCount[] {
  return Object.entries(parts).map(([name, records]) => ({ name, count: records.length }));
}
