import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';

/** One message the test SMTP server accepted, as mailparser reads it. */
export interface ReceivedMail {
  /** RCPT TO of the SMTP envelope. */
  envelopeTo: string[];
  to: string;
  subject: string;
  text: string;
  /** Header lines as sent (lowercased names), e.g. headers.get('list-unsubscribe'). */
  headers: Map<string, string>;
  /** The whole message as it came over the wire. */
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Messages answered 451 (a temporary failure) so far. */
  readonly refused: number;
  /** Answers the next `count` messages with 451 instead of accepting them. */
  failNext(count: number): void;
  /** The messages accepted for `address`. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 in the test
 * process: no TLS and no AUTH, as a local relay. It keeps what it accepts.
 */
export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let failing = 0;
  let refused = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failing > 0) {
          failing--;
          refused++;
          return callback(
            Object.assign(new Error('Try again later'), { responseCode: 451 }) as Error,
          );
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              to: Array.isArray(parsed.to) ? (parsed.to[0]?.text ?? '') : (parsed.to?.text ?? ''),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              headers: new Map(
                parsed.headerLines.map((h) => [h.key, h.line.replace(/^[^:]+:\s*/, '')]),
              ),
              raw,
              parsed,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    get refused() {
      return refused;
    },
    failNext(count) {
      failing = count;
    },
    to: (address) => received.filter((m) => m.envelopeTo.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TestSmtp for the enclosing describe block (call before the server's own set-up). */
export function smtpForBlock(): { readonly smtp: TestSmtp } {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.close();
  });
  return {
    get smtp() {
      return smtp;
    },
  };
}

const ADDRESS = /[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g;

/**
 * Every email address in the message: in its header lines as sent (but the
 * Message-ID, In-Reply-To and References, which are shaped like addresses and
 * are not) and in its decoded text.
 */
export function addressesIn(mail: ReceivedMail): string[] {
  const headers = mail.parsed.headerLines
    .filter((h) => !['message-id', 'in-reply-to', 'references'].includes(h.key))
    .map((h) => h.line)
    .join('\n');
  const found = `${headers}\n${mail.text}\n${mail.parsed.html || ''}`.match(ADDRESS) ?? [];
  return [...new Set(found.map((a) => a.toLowerCase()))];
}
