import { mf2 } from 'microformats-parser';
import type { MentionType } from './entities.js';
import {
  decodeBody,
  mediaType,
  RemoteFetchError,
  type RemoteFetchErrorCode,
  type RemoteFetcher,
  type RemoteResponse,
} from '../../lib/remote/fetch.js';
import { comparableUrl, readHtml } from '../../lib/remote/html-document.js';
import { cleanText, excerptAround, httpUrl } from '../../lib/remote/plain-text.js';
import { LIMITS, messages } from './messages.js';

/** What the source page says about itself and about the link, all plain text. */
export interface SourceEvidence {
  title: string | null;
  excerpt: string | null;
  authorName: string | null;
  authorUrl: string | null;
  authorPhoto: string | null;
  mentionType: MentionType;
}

export type VerificationFailure =
  /** 410 Gone: the source was deleted. */
  | 'SOURCE_GONE'
  /** Any other 4xx, or a name that does not resolve. */
  | 'SOURCE_NOT_FOUND'
  | 'NO_LINK'
  /** The source is (or redirects to) a private, loopback or reserved address. */
  | 'FORBIDDEN_ADDRESS'
  /** An https source whose certificate is not trusted. */
  | 'UNTRUSTED_CERTIFICATE'
  /** Timeout, 5xx, connection trouble: the source may answer later (a queued webmention is tried again). */
  | 'UNAVAILABLE'
  /** Too many redirects, a redirect without a Location, an answer that is not one (1xx). */
  | 'UPSTREAM';

export type Verification =
  | { ok: true; evidence: SourceEvidence }
  | { ok: false; failure: VerificationFailure; message: string };

interface Mf2Item {
  type?: string[];
  properties: Record<string, unknown[]>;
  children?: Mf2Item[];
  value?: unknown;
}

function isItem(value: unknown): value is Mf2Item {
  return typeof value === 'object' && value !== null && 'properties' in value;
}

/** A property value's URL: a plain string, an h-cite's url, or an image's value. */
function urlOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (isItem(value)) {
    const url = value.properties.url?.[0];
    return typeof url === 'string' ? url : typeof value.value === 'string' ? value.value : null;
  }
  if (typeof value === 'object' && value !== null && 'value' in value) {
    const v = (value as { value?: unknown }).value;
    return typeof v === 'string' ? v : null;
  }
  return null;
}

function firstEntry(items: Mf2Item[]): Mf2Item | null {
  for (const item of items) {
    if (item.type?.includes('h-entry')) return item;
    const child = firstEntry(item.children ?? []);
    if (child) return child;
  }
  return null;
}

/** The author and kind of mention from the source's first h-entry (microformats2). */
function microformats(html: string, pageUrl: string, target: string) {
  const found = {
    authorName: null,
    authorUrl: null,
    authorPhoto: null,
    mentionType: 'MENTION',
  } as Pick<SourceEvidence, 'authorName' | 'authorUrl' | 'authorPhoto' | 'mentionType'>;
  if (!html.includes('h-entry')) return found;
  let entry: Mf2Item | null;
  try {
    entry = firstEntry(mf2(html, { baseUrl: pageUrl }).items as Mf2Item[]);
  } catch {
    return found;
  }
  if (!entry) return found;

  const author = entry.properties.author?.[0];
  if (typeof author === 'string') {
    const url = httpUrl(author);
    if (url) found.authorUrl = url;
    else found.authorName = cleanText(author, LIMITS.authorName);
  } else if (isItem(author)) {
    const name = author.properties.name?.[0];
    found.authorName = cleanText(typeof name === 'string' ? name : null, LIMITS.authorName);
    found.authorUrl = httpUrl(urlOf(author.properties.url?.[0]));
    found.authorPhoto = httpUrl(urlOf(author.properties.photo?.[0]));
  }

  const points = (property: string) =>
    (entry.properties[property] ?? []).some((v) => {
      const url = urlOf(v);
      return url !== null && comparableUrl(url) === target;
    });
  if (points('in-reply-to')) found.mentionType = 'REPLY';
  else if (points('like-of')) found.mentionType = 'LIKE';
  else if (points('repost-of')) found.mentionType = 'REPOST';
  return found;
}

function jsonLinksTo(value: unknown, target: string, depth = 0): boolean {
  if (depth > 50) return false;
  if (typeof value === 'string') return comparableUrl(value) === target;
  if (Array.isArray(value)) return value.some((v) => jsonLinksTo(v, target, depth + 1));
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some((v) => jsonLinksTo(v, target, depth + 1));
  }
  return false;
}

const NO_AUTHOR = {
  authorName: null,
  authorUrl: null,
  authorPhoto: null,
  mentionType: 'MENTION',
} as const;

/** Reads a fetched source and decides whether it links to the target. */
export function examineSource(response: RemoteResponse, targetUrl: string): Verification {
  const target = comparableUrl(targetUrl);
  const noLink: Verification = { ok: false, failure: 'NO_LINK', message: messages.noLink };
  if (!target) return noLink;
  const type = mediaType(response.headers);
  const body = decodeBody(response);

  if (type === 'text/html' || type === 'application/xhtml+xml' || type === '') {
    const page = readHtml(body, response.url);
    const link = page.links.find((l) => l.url !== null && comparableUrl(l.url) === target);
    if (!link) return noLink;
    return {
      ok: true,
      evidence: {
        title: cleanText(page.title, LIMITS.title),
        excerpt: cleanText(
          excerptAround(page.text, link.textStart, link.textEnd, LIMITS.excerptContext),
          LIMITS.excerpt,
        ),
        ...microformats(body, response.url, target),
      },
    };
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      return noLink;
    }
    if (!jsonLinksTo(data, target)) return noLink;
    const title = (data as { title?: unknown; name?: unknown } | null) ?? {};
    const name = typeof title.title === 'string' ? title.title : title.name;
    return {
      ok: true,
      evidence: {
        title: cleanText(typeof name === 'string' ? name : null, LIMITS.title),
        excerpt: null,
        ...NO_AUTHOR,
      },
    };
  }
  if (type.startsWith('text/')) {
    const text = body.replace(/\s+/g, ' ');
    const at = text.indexOf(targetUrl);
    if (at === -1) return noLink;
    return {
      ok: true,
      evidence: {
        title: null,
        excerpt: cleanText(
          excerptAround(text, at, at + targetUrl.length, LIMITS.excerptContext),
          LIMITS.excerpt,
        ),
        ...NO_AUTHOR,
      },
    };
  }
  return noLink;
}

const FAILURE_OF: Record<RemoteFetchErrorCode, VerificationFailure> = {
  FORBIDDEN_ADDRESS: 'FORBIDDEN_ADDRESS',
  NOT_FOUND: 'SOURCE_NOT_FOUND',
  BAD_URL: 'SOURCE_NOT_FOUND',
  UNTRUSTED_CERTIFICATE: 'UNTRUSTED_CERTIFICATE',
  TIMEOUT: 'UNAVAILABLE',
  NETWORK: 'UNAVAILABLE',
  TOO_MANY_REDIRECTS: 'UPSTREAM',
};

/**
 * Verification shared by trackbacks, pingbacks and webmentions: fetch the
 * source within the remote-fetch limits and confirm that it links to the
 * target, extracting what it says about itself.
 */
export class SourceVerifier {
  constructor(private readonly fetcher: RemoteFetcher) {}

  async verify(sourceUrl: string, targetUrl: string): Promise<Verification> {
    let response: RemoteResponse;
    try {
      response = await this.fetcher.fetch(sourceUrl);
    } catch (error) {
      if (!(error instanceof RemoteFetchError)) throw error;
      const failure = FAILURE_OF[error.code];
      return { ok: false, failure, message: messages.sourceUnreachable(error.message) };
    }
    if (response.status === 410) {
      return { ok: false, failure: 'SOURCE_GONE', message: messages.sourceGone };
    }
    if (response.status >= 500) {
      return { ok: false, failure: 'UNAVAILABLE', message: messages.sourceStatus(response.status) };
    }
    if (response.status < 200 || (response.status >= 300 && response.status < 400)) {
      return { ok: false, failure: 'UPSTREAM', message: messages.sourceStatus(response.status) };
    }
    if (response.status >= 400) {
      return {
        ok: false,
        failure: 'SOURCE_NOT_FOUND',
        message: messages.sourceStatus(response.status),
      };
    }
    return examineSource(response, targetUrl);
  }
}
