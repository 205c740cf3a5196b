import type { SettingsSnapshot, SettingsStore } from '../../db/settings.js';
import type { UserError } from '../../lib/user-errors.js';
import { assertCan } from '../auth/policy.js';
import type { Viewer } from '../auth/viewer.js';
import {
  DISCUSSION_SETTINGS_PREFIX,
  discussionSettingsFrom,
  validateDiscussionSettings,
  type DiscussionSettings,
  type DiscussionSettingsInput,
} from './discussion-settings.js';

export interface UpdateDiscussionSettingsResult {
  /** The settings after the change; null when it was refused. */
  settings: DiscussionSettings | null;
  /** One per invalid field (named as in DiscussionSettingsInput); nothing was written when any. */
  errors: UserError[];
}

/**
 * Typed access to the `discussion.*` settings. Reads go to the database every
 * time (one statement): several processes may serve the site, and a change
 * made through one must hold for the next request to any of them.
 */
export class DiscussionSettingsService {
  /**
   * The settings of each snapshot, parsed once: the store keeps one snapshot
   * until a setting changes (KeptValues), so nearly every request finds its
   * settings here. Shared between requests, so never changed by anyone.
   */
  private readonly parsed = new WeakMap<SettingsSnapshot, DiscussionSettings>();

  constructor(private readonly deps: { settings: SettingsStore }) {}

  async get(): Promise<DiscussionSettings> {
    return discussionSettingsFrom(await this.deps.settings.read([DISCUSSION_SETTINGS_PREFIX]));
  }

  /** The settings from a snapshot that a request has already read (see loaders.ts). */
  fromSnapshot(snapshot: SettingsSnapshot): DiscussionSettings {
    let settings = this.parsed.get(snapshot);
    if (!settings)
      this.parsed.set(snapshot, (settings = Object.freeze(discussionSettingsFrom(snapshot))));
    return settings;
  }

  /**
   * Changes the given settings, all or none: each field is checked, and any
   * invalid one leaves every setting as it was. Word lists come back trimmed
   * and without repeats.
   */
  async update(input: DiscussionSettingsInput): Promise<UpdateDiscussionSettingsResult> {
    const { values, errors } = validateDiscussionSettings(input);
    if (errors.length > 0) return { settings: null, errors };
    await this.deps.settings.write(values);
    return { settings: await this.get(), errors: [] };
  }

  /** The rules in full, word lists included: for those who manage settings (ADMIN). */
  async getAs(viewer: Viewer | null): Promise<DiscussionSettings> {
    assertCan(viewer, 'settings:manage');
    return this.get();
  }

  /** `update`, for those who manage settings (ADMIN). */
  async updateAs(
    viewer: Viewer | null,
    input: DiscussionSettingsInput,
  ): Promise<UpdateDiscussionSettingsResult> {
    assertCan(viewer, 'settings:manage');
    return this.update(input);
  }
}
