import crypto from 'node:crypto';
import { tags } from '../db/changes.js';
import type { Database } from '../db/database.js';
import type { SettingRow, SettingsStore } from '../db/settings.js';

const SECRET_KEY = 'security.signing_secret';

/**
 * The site's signing secret: 32 random bytes made on first use and kept in
 * the settings table, so every process on the database and every restart
 * signs and verifies alike. Two processes starting together both insert-or-
 * ignore, then read the one that won.
 */
export async function loadSigningSecret(db: Database, settings: SettingsStore): Promise<Buffer> {
  const read = async () => (await settings.read(['security.'])).get(SECRET_KEY);
  let value = await read();
  if (!value) {
    await db.write((em) => {
      // A settings write: the settings kept in memory are read anew, the secret with them.
      db.changed(tags.site);
      return em
        .createQueryBuilder()
        .insert()
        .into<SettingRow>('Setting')
        .values({ key: SECRET_KEY, value: crypto.randomBytes(32).toString('base64url') })
        .orIgnore()
        .execute();
    });
    value = await read();
  }
  if (!value) throw new Error('The signing secret could not be stored');
  return Buffer.from(value, 'base64url');
}

const FORM_TOKEN_HOURS = 48;
const HOUR = 3600_000;
/** How long a visitor sees their own comment awaiting moderation without JavaScript. */
export const PENDING_COOKIE_SECONDS = 2 * 3600;
/** Comments a pending cookie remembers at most (the newest). */
export const PENDING_COOKIE_MAX = 10;

/**
 * Signatures for the no-JavaScript comment form (see docs/reader-pages.md):
 *
 * - the form token, which the server renders into the post's form and checks
 *   on a form post: it names the post and the hour it was issued, and is
 *   good for 48 hours. It is the same for every visitor in that hour (pages
 *   stay cacheable); the per-visitor CSRF defence is the Origin and
 *   Sec-Fetch-Site check (comment-form.ts).
 * - the pending cookie, which lets the submitter see their own comments
 *   awaiting moderation: comment ids and an expiry, never the email or name.
 */
export class FormSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(purpose: string, payload: string): string {
    return crypto
      .createHmac('sha256', this.secret)
      .update(`${purpose}\n${payload}`)
      .digest('base64url');
  }

  private same(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && crypto.timingSafeEqual(x, y);
  }

  formToken(postId: number): string {
    const hour = Math.floor(this.now() / HOUR).toString(36);
    return `${hour}.${this.mac('comment-form', `${postId}.${hour}`)}`;
  }

  /** True for a token this site issued for this post in the last 48 hours. */
  verifyFormToken(token: string, postId: number): boolean {
    const match = /^([0-9a-z]{1,12})\.([\w-]{43})$/.exec(token);
    if (!match) return false;
    const [, hour, mac] = match as unknown as [string, string, string];
    const issued = Number.parseInt(hour, 36);
    const current = Math.floor(this.now() / HOUR);
    if (!(issued <= current && current - issued < FORM_TOKEN_HOURS)) return false;
    return this.same(mac, this.mac('comment-form', `${postId}.${hour}`));
  }

  pendingCookie(commentIds: readonly number[]): string {
    const ids = [...new Set(commentIds)].slice(-PENDING_COOKIE_MAX).join('-');
    const expires = Math.floor(this.now() / 1000 + PENDING_COOKIE_SECONDS).toString(36);
    return `${ids}.${expires}.${this.mac('pending', `${ids}.${expires}`)}`;
  }

  /** The comment ids of a valid, unexpired pending cookie; [] for anything else. */
  readPendingCookie(value: string | undefined): number[] {
    const match = /^(\d{1,15}(?:-\d{1,15}){0,19})\.([0-9a-z]{1,12})\.([\w-]{43})$/.exec(
      value ?? '',
    );
    if (!match) return [];
    const [, ids, expires, mac] = match as unknown as [string, string, string, string];
    if (Number.parseInt(expires, 36) * 1000 <= this.now()) return [];
    if (!this.same(mac, this.mac('pending', `${ids}.${expires}`))) return [];
    return ids.split('-').map(Number);
  }
}
