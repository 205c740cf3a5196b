import type { Database } from '../../db/database.js';
import { parsePublicUrl, type Config } from '../../config.js';
import type { SettingRow } from '../../db/settings.js';
import type { SettingsSnapshot, SettingsStore } from '../../db/settings.js';
import { assertCan, can } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import { clean } from '../../lib/text.js';
import type { UserError } from '../../lib/user-errors.js';
import { LIMITS, messages } from './messages.js';

export interface Site {
  title: string;
  description: string;
  url: string;
}

export interface UpdateSiteInput {
  title?: string | null;
  description?: string | null;
  publicUrl?: string | null;
}

export const SITE_DEFAULTS = { title: 'Colloquy', description: '' };

export const SITE_SETTINGS_PREFIX = 'site.';

const KEYS = { title: 'site.title', description: 'site.description', publicUrl: 'site.publicUrl' };

/**
 * Without PUBLIC_URL in the environment, the public URL saved with
 * updateSite becomes the process's public URL (at start-up; the process
 * that saves it applies it at once).
 */
export async function applyStoredPublicUrl(config: Config, db: Database): Promise<void> {
  if (config.publicUrlSource === 'env') return;
  const stored = await db.read
    .getRepository<SettingRow>('Setting')
    .findOneBy({ key: KEYS.publicUrl });
  const url = stored ? parsePublicUrl(stored.value) : null;
  if (url) {
    config.publicUrl = url;
    config.publicUrlSource = 'setting';
  }
}

export class SiteService {
  constructor(private readonly deps: { config: Config; settings: SettingsStore }) {}

  async getSite(): Promise<Site> {
    return this.fromSettings(await this.deps.settings.read([SITE_SETTINGS_PREFIX]));
  }

  /** The site from a snapshot that a request has already read (see loaders.ts). */
  fromSettings(snapshot: SettingsSnapshot): Site {
    return {
      title: snapshot.get(KEYS.title) ?? SITE_DEFAULTS.title,
      description: snapshot.get(KEYS.description) ?? SITE_DEFAULTS.description,
      url: this.deps.config.publicUrl,
    };
  }

  /** Why the public URL cannot be changed through updateSite, for those who may change settings. */
  urlReadOnlyReason(viewer: Viewer | null): string | null {
    if (!can(viewer, 'settings:manage')) return null;
    return this.deps.config.publicUrlSource === 'env' ? messages.publicUrlFromEnvironment : null;
  }

  /**
   * Saves what the input names (settings:manage). The public URL can be set
   * here only when PUBLIC_URL is not in the environment: the environment wins.
   */
  async updateSite(
    viewer: Viewer | null,
    input: UpdateSiteInput,
  ): Promise<{ site: Site | null; errors: UserError[] }> {
    assertCan(viewer, 'settings:manage');
    const errors: UserError[] = [];
    const changes = new Map<string, string>();
    if (input.title != null) {
      const title = clean(input.title).replace(/\s+/g, ' ');
      if (!title)
        errors.push({ field: 'title', code: 'REQUIRED', message: messages.titleRequired });
      else if (title.length > LIMITS.title)
        errors.push({ field: 'title', code: 'TOO_LONG', message: messages.titleTooLong });
      changes.set(KEYS.title, title);
    }
    if (input.description != null) {
      const description = clean(input.description).replace(/\s+/g, ' ');
      if (description.length > LIMITS.description)
        errors.push({
          field: 'description',
          code: 'TOO_LONG',
          message: messages.descriptionTooLong,
        });
      changes.set(KEYS.description, description);
    }
    let publicUrl: string | null = null;
    if (input.publicUrl != null) {
      publicUrl = parsePublicUrl(clean(input.publicUrl));
      if (this.deps.config.publicUrlSource === 'env')
        errors.push({
          field: 'publicUrl',
          code: 'SET_BY_ENVIRONMENT',
          message: messages.publicUrlFromEnvironment,
        });
      else if (publicUrl === null)
        errors.push({
          field: 'publicUrl',
          code: 'INVALID_URL',
          message: messages.publicUrlInvalid,
        });
      else changes.set(KEYS.publicUrl, publicUrl);
    }
    if (errors.length > 0) return { site: null, errors };

    await this.deps.settings.write(changes);
    if (publicUrl !== null) {
      this.deps.config.publicUrl = publicUrl;
      this.deps.config.publicUrlSource = 'setting';
    }
    return { site: await this.getSite(), errors: [] };
  }
}
