import { In, type DataSource } from 'typeorm';
import type { Config } from '../../config.js';
import type { SettingRow } from '../../db/entities.js';

export interface Site {
  title: string;
  description: string;
  url: string;
}

export const SITE_DEFAULTS = { title: 'Colloquy', description: '' };

export class SiteService {
  constructor(private readonly deps: { dataSource: DataSource; config: Config }) {}

  async getSite(): Promise<Site> {
    const rows = await this.deps.dataSource
      .getRepository<SettingRow>('Setting')
      .findBy({ key: In(['site.title', 'site.description']) });
    const value = (key: string) => rows.find((r) => r.key === key)?.value;
    return {
      title: value('site.title') ?? SITE_DEFAULTS.title,
      description: value('site.description') ?? SITE_DEFAULTS.description,
      url: this.deps.config.publicUrl,
    };
  }
}
