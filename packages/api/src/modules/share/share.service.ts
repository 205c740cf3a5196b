import { KeptValues, tags } from '../../db/changes.js';
import { updateOne, type Database } from '../../db/database.js';
import type { ShareTargetRow } from './entities.js';
import { SLUG } from '../../lib/slug.js';
import { assertCan } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import { clean } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { LIMITS, messages } from './messages.js';

export interface ShareTargetInput {
  key: string;
  name?: string | null;
  label?: string | null;
  urlTemplate?: string | null;
  enabled?: boolean | null;
  retired?: boolean | null;
  retiredReason?: string | null;
}

export interface ShareTargetPayload {
  shareTarget: ShareTargetRow | null;
  errors: UserError[];
}

export interface ShareLink {
  target: ShareTargetRow;
  url: string;
}

export interface ShareSubject {
  url: string;
  title: string;
  excerpt: string;
}

const PLACEHOLDER = /\{(url|title|excerpt)\}/g;
const ANY_PLACEHOLDER = /\{[^{}]*\}/g;
const KNOWN_PLACEHOLDER = /^\{(url|title|excerpt)\}$/;

/**
 * Why a URL template is refused (null when it is fine): it must produce an
 * https: or mailto: URL whatever the post, so its scheme and host are
 * written out, and it may use only the {url}, {title} and {excerpt} placeholders.
 */
export function templateError(template: string): string | null {
  if (!template) return messages.templateRequired;
  if (template.length > LIMITS.urlTemplate) return messages.templateTooLong;
  const unknown = [...template.matchAll(ANY_PLACEHOLDER)].find(
    (m) => !KNOWN_PLACEHOLDER.test(m[0]),
  );
  if (unknown) return messages.templatePlaceholder(unknown[0]);
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) return messages.templateBraces;
  const https = /^https:\/\//i.test(template);
  if (!https && !/^mailto:/i.test(template)) return messages.templateScheme;
  if (https && /[{}]/.test(template.slice(8).split(/[/?#]/, 1)[0]!)) return messages.templateHost;
  let url: URL;
  try {
    url = new URL(fillTemplate(template, { url: 'https://a.example/p', title: 't', excerpt: 'e' }));
  } catch {
    return messages.templateInvalid;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'mailto:') return messages.templateScheme;
  if (url.protocol === 'https:' && (!url.hostname || url.username || url.password))
    return messages.templateInvalid;
  return null;
}

/** Fills a target's URL template, URL-encoding every value. */
export function fillTemplate(template: string, subject: ShareSubject): string {
  return template.replace(PLACEHOLDER, (_, name: keyof ShareSubject) =>
    encodeURIComponent(subject[name]),
  );
}

const err = (field: string, code: string, message: string): UserError => ({
  field,
  code,
  message,
});

export class ShareService {
  private readonly enabled: KeptValues<ShareTargetRow[]>;

  constructor(private readonly deps: { db: Database }) {
    this.enabled = new KeptValues(deps.db, tags.site);
  }

  private get repo() {
    return this.deps.db.read.getRepository<ShareTargetRow>('ShareTarget');
  }

  /** Every target, retired and disabled ones included, in display order. */
  allTargets(viewer: Viewer | null): Promise<ShareTargetRow[]> {
    assertCan(viewer, 'shareTarget:manage');
    return this.repo.find({ order: { position: 'ASC', id: 'ASC' } });
  }

  /** Adds a target at the end of the order. */
  async create(viewer: Viewer | null, input: ShareTargetInput): Promise<ShareTargetPayload> {
    assertCan(viewer, 'shareTarget:manage');
    const key = clean(input.key);
    const errors: UserError[] = [];
    if (!key) errors.push(err('key', 'REQUIRED', messages.keyRequired));
    else if (key.length > LIMITS.key) errors.push(err('key', 'TOO_LONG', messages.keyTooLong));
    else if (!SLUG.test(key)) errors.push(err('key', 'INVALID_KEY', messages.keyInvalid));
    const fields = this.check(input, null, errors);
    if (errors.length > 0) return { shareTarget: null, errors };
    return this.deps.db.write(async (em) => {
      this.deps.db.changed(tags.site);
      const repo = em.getRepository<ShareTargetRow>('ShareTarget');
      if (await repo.existsBy({ key }))
        return { shareTarget: null, errors: [err('key', 'KEY_TAKEN', messages.keyTaken)] };
      const last = await repo.find({ order: { position: 'DESC' }, take: 1 });
      const shareTarget = await repo.save({
        key,
        ...fields,
        position: (last[0]?.position ?? -1) + 1,
      });
      return { shareTarget, errors: [] };
    });
  }

  /** Changes what the input names (the key identifies the target and stays). */
  async update(viewer: Viewer | null, input: ShareTargetInput): Promise<ShareTargetPayload> {
    assertCan(viewer, 'shareTarget:manage');
    const target = await this.repo.findOneBy({ key: clean(input.key) });
    if (!target)
      return { shareTarget: null, errors: [err('key', 'NOT_FOUND', messages.targetNotFound)] };
    const errors: UserError[] = [];
    const fields = this.check(input, target, errors);
    if (errors.length > 0) return { shareTarget: null, errors };
    const shareTarget = await this.deps.db.write((em) => {
      this.deps.db.changed(tags.site);
      return updateOne<ShareTargetRow>(em, 'ShareTarget', target.id, fields);
    });
    return { shareTarget, errors: [] };
  }

  /**
   * Puts the listed targets first, in that order; the others follow in their
   * current order.
   */
  async reorder(
    viewer: Viewer | null,
    keys: readonly string[],
  ): Promise<{ shareTargets: ShareTargetRow[]; errors: UserError[] }> {
    assertCan(viewer, 'shareTarget:manage');
    return this.deps.db.write(async (em) => {
      this.deps.db.changed(tags.site);
      const repo = em.getRepository<ShareTargetRow>('ShareTarget');
      const all = await repo.find({ order: { position: 'ASC', id: 'ASC' } });
      const byKey = new Map(all.map((t) => [t.key, t]));
      const errors: UserError[] = [];
      const seen = new Set<string>();
      for (const key of keys) {
        if (!byKey.has(key)) errors.push(err('keys', 'NOT_FOUND', messages.unknownKey(key)));
        else if (seen.has(key))
          errors.push(err('keys', 'DUPLICATE_KEY', messages.duplicateKey(key)));
        seen.add(key);
      }
      if (errors.length > 0) return { shareTargets: [], errors };
      const ordered = [...keys.map((k) => byKey.get(k)!), ...all.filter((t) => !seen.has(t.key))];
      const shareTargets = ordered.map((t, position) => ({ ...t, position }));
      // One statement at a time: save() of an array sends them all at once, on one connection.
      for (const t of shareTargets) {
        if (byKey.get(t.key)!.position !== t.position)
          await repo.update({ id: t.id }, { position: t.position });
      }
      return { shareTargets, errors: [] };
    });
  }

  /** Validates the editable fields (all required when creating); adds to `errors`. */
  private check(input: ShareTargetInput, current: ShareTargetRow | null, errors: UserError[]) {
    const text = (
      field: 'name' | 'label' | 'urlTemplate',
      max: number,
      required: string,
      tooLong: string,
    ): string => {
      const value = input[field] == null ? (current?.[field] ?? '') : clean(input[field]);
      if (!value) errors.push(err(field, 'REQUIRED', required));
      else if (value.length > max) errors.push(err(field, 'TOO_LONG', tooLong));
      return value;
    };
    const name = text('name', LIMITS.name, messages.nameRequired, messages.nameTooLong);
    const label = text('label', LIMITS.label, messages.labelRequired, messages.labelTooLong);
    const urlTemplate =
      input.urlTemplate == null ? (current?.urlTemplate ?? '') : clean(input.urlTemplate);
    const problem = templateError(urlTemplate);
    if (problem) errors.push(err('urlTemplate', 'INVALID_TEMPLATE', problem));
    const retired = input.retired ?? current?.retired ?? false;
    const reason =
      input.retiredReason == null
        ? (current?.retiredReason ?? null)
        : clean(input.retiredReason) || null;
    if (retired && !reason) errors.push(err('retiredReason', 'REQUIRED', messages.reasonRequired));
    else if (reason && reason.length > LIMITS.retiredReason)
      errors.push(err('retiredReason', 'TOO_LONG', messages.reasonTooLong));
    return {
      name,
      label,
      urlTemplate,
      enabled: input.enabled ?? current?.enabled ?? true,
      retired,
      retiredReason: retired ? reason : null,
    };
  }

  /**
   * Enabled, non-retired targets in display order: read once and kept until
   * a change names `site` (every write here does, see db/changes.ts).
   */
  enabledTargets(): Promise<ShareTargetRow[]> {
    return this.enabled.get('', () =>
      this.deps.db.read
        .getRepository<ShareTargetRow>('ShareTarget')
        .find({ where: { enabled: true, retired: false }, order: { position: 'ASC', id: 'ASC' } }),
    );
  }

  links(targets: ShareTargetRow[], subject: ShareSubject): ShareLink[] {
    return targets.map((target) => ({ target, url: fillTemplate(target.urlTemplate, subject) }));
  }
}
