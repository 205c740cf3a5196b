import type { Config } from '../../config.js';
import type { SettingsSnapshot, SettingsStore } from '../../db/settings.js';

export interface Site {
  title: string;
  description: string;
  url: string;
}

export const SITE_DEFAULTS = { title: 'Colloquy', description: '' };

export const SITE_SETTINGS_PREFIX = 'site.';

export class SiteService {
  constructor(private readonly deps: { config: Config; settings: SettingsStore }) {}

  async getSite(): Promise<Site> {
    return this.fromSettings(await this.deps.settings.read([SITE_SETTINGS_PREFIX]));
  }

  /** The site from a snapshot that a request has already read (see loaders.ts). */
  fromSettings(snapshot: SettingsSnapshot): Site {
    return {
      title: snapshot.get('site.title') ?? SITE_DEFAULTS.title,
      description: snapshot.get('site.description') ?? SITE_DEFAULTS.description,
      url: this.deps.config.publicUrl,
    };
  }
}
