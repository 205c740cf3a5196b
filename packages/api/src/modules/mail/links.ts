import crypto from 'node:crypto';

/** How long a confirmation link works. */
export const CONFIRM_LINK_DAYS = 7;
const DAY = 86_400_000;

export type LinkCheck =
  { ok: true; subscriptionId: number } | { ok: false; why: 'forged' | 'expired' };

/**
 * The signed links of reply notifications, HMAC-SHA256 with the site's
 * signing secret (web/signing.ts) under a purpose of their own, so no other
 * signature of the site (a form token, a pending cookie) passes for one:
 *
 * - confirm: `<subscription>.<expiry, base 36 seconds>.<mac>`, good for 7 days;
 * - unsubscribe: `<subscription>.<mac>`, good for ever (an old message's link
 *   must still stop the mail).
 *
 * They name a subscription id only: no address, nothing to read off a link.
 */
export class MailLinks {
  constructor(
    private readonly secret: () => Promise<Buffer>,
    private readonly now: () => number = Date.now,
  ) {}

  private async mac(purpose: string, payload: string): Promise<string> {
    return crypto
      .createHmac('sha256', await this.secret())
      .update(`mail-${purpose}\n${payload}`)
      .digest('base64url');
  }

  private static same(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && crypto.timingSafeEqual(x, y);
  }

  async confirmToken(subscriptionId: number): Promise<string> {
    const expires = Math.floor((this.now() + CONFIRM_LINK_DAYS * DAY) / 1000).toString(36);
    return `${subscriptionId}.${expires}.${await this.mac('confirm', `${subscriptionId}.${expires}`)}`;
  }

  async checkConfirm(token: string): Promise<LinkCheck> {
    const match = /^(\d{1,15})\.([0-9a-z]{1,12})\.([\w-]{43})$/.exec(token);
    if (!match) return { ok: false, why: 'forged' };
    const [, id, expires, mac] = match as unknown as [string, string, string, string];
    if (!MailLinks.same(mac, await this.mac('confirm', `${id}.${expires}`)))
      return { ok: false, why: 'forged' };
    // Checked after the signature: only a link we made is told it has expired.
    if (Number.parseInt(expires, 36) * 1000 <= this.now()) return { ok: false, why: 'expired' };
    return { ok: true, subscriptionId: Number(id) };
  }

  async unsubscribeToken(subscriptionId: number): Promise<string> {
    return `${subscriptionId}.${await this.mac('unsubscribe', String(subscriptionId))}`;
  }

  async checkUnsubscribe(token: string): Promise<LinkCheck> {
    const match = /^(\d{1,15})\.([\w-]{43})$/.exec(token);
    if (!match) return { ok: false, why: 'forged' };
    const [, id, mac] = match as unknown as [string, string, string];
    if (!MailLinks.same(mac, await this.mac('unsubscribe', id)))
      return { ok: false, why: 'forged' };
    return { ok: true, subscriptionId: Number(id) };
  }
}
