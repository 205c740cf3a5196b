import nodemailer from 'nodemailer';
import type { MailConfig } from '../../config.js';

/** One message as the mail module composes it: one recipient, a plain-text body. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per notification row: a message sent again after a crash is recognisably the same. */
  messageId: string;
  headers?: Record<string, string>;
}

/**
 * SMTP through nodemailer, made on first use from SMTP_URL. The error it
 * throws names the SMTP reply code only: nodemailer's own messages can quote
 * the recipient, and this one ends up in the jobs table and the log.
 */
export class Mailer {
  private transport: ReturnType<typeof nodemailer.createTransport> | null = null;

  constructor(private readonly config: MailConfig) {}

  get enabled(): boolean {
    return this.config.smtpUrl !== null;
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.config.smtpUrl) throw new Error('email is off (SMTP_URL is not set)');
    this.transport ??= nodemailer.createTransport(this.config.smtpUrl);
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated', ...mail.headers },
      });
    } catch (error) {
      const { code, responseCode } = error as { code?: string; responseCode?: number };
      throw new Error(
        `SMTP delivery failed (${code ?? 'error'}${responseCode ? ` ${responseCode}` : ''})`,
      );
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }
}
