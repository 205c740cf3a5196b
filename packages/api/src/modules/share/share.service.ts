import type { DataSource } from 'typeorm';
import type { ShareTargetRow } from '../../db/entities.js';

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

/** Fills a target's URL template, URL-encoding every value. */
export function fillTemplate(template: string, subject: ShareSubject): string {
  return template.replace(PLACEHOLDER, (_, name: keyof ShareSubject) =>
    encodeURIComponent(subject[name]),
  );
}

export class ShareService {
  constructor(private readonly deps: { dataSource: DataSource }) {}

  /** Enabled, non-retired targets in display order. */
  enabledTargets(): Promise<ShareTargetRow[]> {
    return this.deps.dataSource
      .getRepository<ShareTargetRow>('ShareTarget')
      .find({ where: { enabled: true, retired: false }, order: { position: 'ASC', id: 'ASC' } });
  }

  links(targets: ShareTargetRow[], subject: ShareSubject): ShareLink[] {
    return targets.map((target) => ({ target, url: fillTemplate(target.urlTemplate, subject) }));
  }
}
