import { isIP } from 'node:net';
import path from 'node:path';
import proxyAddr from '@fastify/proxy-addr';

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  /**
   * Where publicUrl comes from. PUBLIC_URL in the environment wins; without
   * it, the site setting saved by updateSite (applied at start-up, see
   * startup.ts), else http://HOST:PORT.
   */
  publicUrlSource: 'env' | 'setting' | 'default';
  database: DatabaseConfig;
  /**
   * The web app's build: client/ (index.html and the assets the browser
   * loads) and server/entry-server.js (the server renderer).
   */
  webRoot: string;
  /**
   * Development (COLLOQUY_WEB_DEV=1, set by `pnpm dev`): render and serve the
   * web app from its sources through Vite, with hot reload, instead of the build.
   */
  webDev: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /**
   * How long a shutdown (SIGTERM, SIGINT) waits for the requests in progress
   * before it closes their connections (SHUTDOWN_TIMEOUT_SECONDS, default 10), in milliseconds.
   */
  shutdownTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Fetching other sites' pages (verifying linkbacks, discovering endpoints, sending pings). */
  remoteFetch: RemoteFetchConfig;
  /** The background job queue (a table in the database). */
  jobs: JobsConfig;
  /** Outgoing webhooks (src/modules/webhooks). */
  webhooks: WebhooksConfig;
  /** The response cache and HTTP caching headers (src/cache/). */
  cache: CacheConfig;
  /** The bearer token `/metrics` asks for (METRICS_TOKEN); null: /metrics serves loopback clients only. */
  metricsToken: string | null;
  /**
   * Which peers are reverse proxies whose X-Forwarded-For/-Proto/-Host and
   * X-Request-Id are believed (TRUST_PROXY): none (false, the default), the
   * addresses and CIDR ranges listed, or the nearest n hops.
   */
  trustProxy: TrustProxy;
  /** How many days old rows are kept before the job worker deletes them (hourly). */
  retention: RetentionConfig;
  /** Email notifications (modules/mail): off when SMTP_URL is unset. */
  mail: MailConfig;
  /** Live updates: GraphQL subscriptions over WebSocket on /graphql (modules/live, graphql/websocket.ts). */
  live: LiveConfig;
}

/**
 * Ages in days (RETAIN_*_DAYS) after which the job worker deletes rows that
 * only operators ever look at. Counted from when a row stopped mattering.
 */
export interface RetentionConfig {
  /** Jobs done or failed for good, from when they finished (RETAIN_JOBS_DAYS, default 30; 0 to 36500). */
  jobsDays: number;
  /**
   * Received pings whose verification is over (accepted or rejected), from
   * when they arrived: their status URL answers 404 after that
   * (RETAIN_INCOMING_PINGS_DAYS, default 90; 1 to 36500, so the hourly rate limit still counts them).
   */
  incomingPingsDays: number;
  /**
   * Failed sign-in attempts, which stop counting after an hour anyway
   * (RETAIN_SIGN_IN_ATTEMPTS_DAYS, default 1; 1 to 36500).
   */
  signInAttemptsDays: number;
  /** Sessions, from when they expired (RETAIN_EXPIRED_SESSIONS_DAYS, default 7; 0 to 36500). */
  expiredSessionsDays: number;
}

export interface MailConfig {
  /** SMTP_URL (smtp://user:pass@host:587, smtps://…:465); null: no email is sent, none is queued. */
  smtpUrl: string | null;
  /** MAIL_FROM: the From of every message (default: Colloquy <no-reply@PUBLIC_URL's host>). */
  from: string;
}

export interface LiveConfig {
  /** Open WebSockets one client address may hold at once (LIVE_MAX_CONNECTIONS_PER_IP, default 20). */
  maxConnectionsPerIp: number;
  /** Subscriptions one WebSocket may hold at once (LIVE_MAX_SUBSCRIPTIONS, default 20). */
  maxSubscriptionsPerConnection: number;
  /**
   * How often the server pings each WebSocket; one that has not answered the
   * previous ping by the next is closed (LIVE_PING_SECONDS, default 30), in milliseconds.
   */
  pingIntervalMs: number;
  /** Largest message a client may send, in bytes (LIVE_MAX_MESSAGE_BYTES, default 16384). */
  maxMessageBytes: number;
  /**
   * Bytes queued for one client that does not read before it is dropped
   * (LIVE_MAX_BUFFERED_KB, default 1024), in bytes.
   */
  maxBufferedBytes: number;
}

/** Fastify's `trustProxy`, minus `true` (which would believe every client). */
export type TrustProxy = false | number | readonly string[];

export interface CacheConfig {
  /**
   * Keep anonymous responses in memory (COLLOQUY_CACHE, on or off, default
   * on). Off, every request is answered anew; the HTTP headers stay.
   */
  enabled: boolean;
  /** Memory the cache may use, in bytes (COLLOQUY_CACHE_MB, default 64). */
  maxBytes: number;
  /** How long a shared cache (a CDN) may serve a public response without asking, in seconds (CACHE_S_MAXAGE, default 10). */
  sharedMaxAge: number;
  /** How long after that it may serve it while it asks (CACHE_STALE_WHILE_REVALIDATE, default 60). */
  staleWhileRevalidate: number;
}

export interface RemoteFetchConfig {
  /**
   * TEST ONLY (COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH=1): lets remote fetches reach
   * loopback addresses (127.0.0.0/8, ::1), where the test suites run their
   * fixture sites. Every other private or reserved address stays refused.
   */
  allowLoopback: boolean;
  /** Whole fetch, all redirects included, in milliseconds. */
  timeoutMs: number;
  /** Bytes of a response body read at most; the rest is not read. */
  maxBytes: number;
  maxRedirects: number;
}

export interface JobsConfig {
  /**
   * Run a job worker in this process (JOB_WORKER, default 1). With several
   * processes on one PostgreSQL database, any number of them may run workers.
   */
  worker: boolean;
  /**
   * SQLite only: how often an idle worker looks for jobs that another process
   * (the CLI) committed, which it is not told about (JOB_SQLITE_POLL_SECONDS,
   * default 30), in milliseconds. Jobs enqueued in this process wake it at
   * once. On PostgreSQL workers never poll: NOTIFY wakes them.
   */
  sqlitePollIntervalMs: number;
  /** First retry delay; each further retry doubles it. */
  retryBaseMs: number;
  /** Attempts before a job is given up. */
  maxAttempts: number;
}

export interface WebhooksConfig {
  /**
   * How long one delivery attempt may take, connecting and answering
   * (WEBHOOK_TIMEOUT_SECONDS, default 10), in milliseconds. A slower
   * receiver's attempt counts as failed and is retried.
   */
  timeoutMs: number;
}

/** A configuration problem that stops start-up with one clear line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function parseDatabaseUrl(raw: string, cwd: string): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    // sqlite:./data/colloquy.db, sqlite:/abs/path.db or sqlite::memory:
    const file = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new ConfigError(`DATABASE_URL "${raw}" names no SQLite file`);
    return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid PostgreSQL URL`);
    }
    if (!url.hostname || url.pathname.length < 2) {
      throw new ConfigError(
        `DATABASE_URL must name a host and a database (postgres://user:pass@host:5432/db)`,
      );
    }
    return { kind: 'postgres', url: raw };
  }
  throw new ConfigError(
    `DATABASE_URL must start with sqlite: or postgres:// (got "${raw.split(':')[0]}:…")`,
  );
}

function parsePort(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535 (got "${raw}")`);
  }
  return Number(raw);
}

/**
 * A public base URL without its trailing slashes, or null when it is not an
 * absolute http(s) URL free of credentials, query and fragment.
 */
export function parsePublicUrl(raw: string): string | null {
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    // An empty "?" or "#" parses to '' but would still end up in every link.
    if (/[?#]/.test(raw) || parsed.username || parsed.password) return null;
  } catch {
    return null;
  }
  return raw.replace(/\/+$/, '');
}

/** proxy-addr's names for address ranges. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: unset (trust no proxy), a hop count, or a comma-separated
 * list of addresses, CIDR ranges and proxy-addr's names (loopback,
 * linklocal, uniquelocal), checked by the same compiler Fastify uses.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (!value) return false;
  if (/^\d+$/.test(value)) {
    if (Number(value) > 1000) {
      throw new ConfigError(`TRUST_PROXY as a hop count must be from 0 to 1000 (got "${value}")`);
    }
    return Number(value) === 0 ? false : Number(value);
  }
  if (value.toLowerCase() === 'true') {
    throw new ConfigError(
      'TRUST_PROXY=true would believe any client that sends X-Forwarded-For; name the proxies (e.g. 127.0.0.1,10.0.0.0/8) or give a hop count (1: the peer is the proxy)',
    );
  }
  const list = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of list) {
    const refuse = (why: string) =>
      new ConfigError(
        `TRUST_PROXY must be a hop count or a comma-separated list of addresses and CIDR ranges (got "${entry}": ${why})`,
      );
    // proxy-addr also takes legacy IPv4 forms ("1.5" is 1.0.0.5): only the usual notations here.
    const address = entry.split('/')[0]!;
    if (!PROXY_NAMES.has(entry) && isIP(address) === 0) throw refuse('not an IP address');
    try {
      proxyAddr.compile(entry);
    } catch (error) {
      throw refuse((error as Error).message);
    }
  }
  return list;
}

/**
 * SMTP_URL and MAIL_FROM. The URL's password is never repeated in an error
 * (nor logged: the start-up line names the host only).
 */
export function parseMailConfig(env: NodeJS.ProcessEnv, publicUrl: string): MailConfig {
  const raw = env.SMTP_URL?.trim() || null;
  if (raw !== null) {
    let url: URL | null = null;
    try {
      url = new URL(raw);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
      throw new ConfigError(
        'SMTP_URL must be an smtp:// or smtps:// URL with a host (smtp://user:password@mail.example.org:587)',
      );
    }
  }
  const from = env.MAIL_FROM?.trim() || `Colloquy <no-reply@${new URL(publicUrl).hostname}>`;
  // One address, bare or as "Name <address>"; no line breaks (it becomes a header).
  if (!/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(from)) {
    throw new ConfigError(
      `MAIL_FROM must be one email address, bare or as "Name <address>" (got "${from}")`,
    );
  }
  return { smtpUrl: raw, from };
}

/** Reads the configuration from the environment; throws ConfigError on bad values. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { cwd?: string; webRoot?: string } = {},
): Config {
  const cwd = options.cwd ?? process.cwd();
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = parsePort(env.PORT?.trim() || '4000');
  const database = parseDatabaseUrl(env.DATABASE_URL?.trim() || 'sqlite:./data/colloquy.db', cwd);

  const fromEnv = env.PUBLIC_URL?.trim();
  const publicUrl = parsePublicUrl(
    fromEnv || `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
  );
  if (publicUrl === null) {
    throw new ConfigError(
      `PUBLIC_URL must be an absolute http(s) URL without credentials, query or fragment (got "${fromEnv}")`,
    );
  }

  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  const allowLoopback = env.COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH?.trim() || '0';
  if (allowLoopback !== '0' && allowLoopback !== '1') {
    throw new ConfigError(
      `COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH must be 0 or 1 (got "${allowLoopback}"); it is for test suites only`,
    );
  }

  const worker = env.JOB_WORKER?.trim() || '1';
  if (worker !== '0' && worker !== '1') {
    throw new ConfigError(`JOB_WORKER must be 0 or 1 (got "${worker}")`);
  }

  const cacheSwitch = env.COLLOQUY_CACHE?.trim() || 'on';
  if (cacheSwitch !== 'on' && cacheSwitch !== 'off') {
    throw new ConfigError(`COLLOQUY_CACHE must be on or off (got "${cacheSwitch}")`);
  }
  const wholeNumber = (name: string, fallback: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) > max) {
      throw new ConfigError(`${name} must be a whole number from 0 to ${max} (got "${raw}")`);
    }
    return Number(raw);
  };
  const inRange = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    }
    return Number(raw);
  };
  const days = (name: string, fallback: number, min: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > 36_500) {
      throw new ConfigError(
        `${name} must be a whole number of days from ${min} to 36500 (got "${raw}")`,
      );
    }
    return Number(raw);
  };
  const metricsToken = env.METRICS_TOKEN?.trim() || null;
  if (metricsToken !== null && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters long');
  }
  const shutdownTimeout = env.SHUTDOWN_TIMEOUT_SECONDS?.trim() || '10';
  if (
    !/^\d+$/.test(shutdownTimeout) ||
    Number(shutdownTimeout) < 1 ||
    Number(shutdownTimeout) > 3600
  ) {
    throw new ConfigError(
      `SHUTDOWN_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 3600 (got "${shutdownTimeout}")`,
    );
  }
  const sqlitePoll = env.JOB_SQLITE_POLL_SECONDS?.trim() || '30';
  if (!/^\d+$/.test(sqlitePoll) || Number(sqlitePoll) < 1 || Number(sqlitePoll) > 86_400) {
    throw new ConfigError(
      `JOB_SQLITE_POLL_SECONDS must be a whole number of seconds from 1 to 86400 (got "${sqlitePoll}")`,
    );
  }

  const webhookTimeout = env.WEBHOOK_TIMEOUT_SECONDS?.trim() || '10';
  if (!/^\d+$/.test(webhookTimeout) || Number(webhookTimeout) < 1 || Number(webhookTimeout) > 120) {
    throw new ConfigError(
      `WEBHOOK_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 120 (got "${webhookTimeout}")`,
    );
  }

  return {
    host,
    port,
    publicUrl,
    publicUrlSource: fromEnv ? 'env' : 'default',
    database,
    webRoot: options.webRoot ?? path.resolve(import.meta.dirname, '../../web/dist'),
    webDev: env.COLLOQUY_WEB_DEV === '1',
    bodyLimit: 100 * 1024,
    shutdownTimeoutMs: Number(shutdownTimeout) * 1000,
    logLevel,
    remoteFetch: {
      allowLoopback: allowLoopback === '1',
      timeoutMs: 8000,
      maxBytes: 1024 * 1024,
      maxRedirects: 5,
    },
    jobs: {
      worker: worker === '1',
      sqlitePollIntervalMs: Number(sqlitePoll) * 1000,
      retryBaseMs: 60_000,
      maxAttempts: 5,
    },
    webhooks: {
      timeoutMs: Number(webhookTimeout) * 1000,
    },
    cache: {
      enabled: cacheSwitch === 'on',
      maxBytes: wholeNumber('COLLOQUY_CACHE_MB', 64, 65_536) * 1024 * 1024,
      sharedMaxAge: wholeNumber('CACHE_S_MAXAGE', 10, 31_536_000),
      staleWhileRevalidate: wholeNumber('CACHE_STALE_WHILE_REVALIDATE', 60, 31_536_000),
    },
    metricsToken,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    retention: {
      jobsDays: days('RETAIN_JOBS_DAYS', 30, 0),
      incomingPingsDays: days('RETAIN_INCOMING_PINGS_DAYS', 90, 1),
      signInAttemptsDays: days('RETAIN_SIGN_IN_ATTEMPTS_DAYS', 1, 1),
      expiredSessionsDays: days('RETAIN_EXPIRED_SESSIONS_DAYS', 7, 0),
    },
    mail: parseMailConfig(env, publicUrl),
    live: {
      maxConnectionsPerIp: inRange('LIVE_MAX_CONNECTIONS_PER_IP', 20, 1, 100_000),
      maxSubscriptionsPerConnection: inRange('LIVE_MAX_SUBSCRIPTIONS', 20, 1, 1000),
      pingIntervalMs: inRange('LIVE_PING_SECONDS', 30, 1, 3600) * 1000,
      maxMessageBytes: inRange('LIVE_MAX_MESSAGE_BYTES', 16_384, 1024, 1_048_576),
      maxBufferedBytes: inRange('LIVE_MAX_BUFFERED_KB', 1024, 1, 1_048_576) * 1024,
    },
  };
}
