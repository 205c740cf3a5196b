import type { PingProtocol } from './entities.js';
import { decodeBody, mediaType, type RemoteResponse } from '../../lib/remote/fetch.js';
import { readHtml, resolveUrl } from '../../lib/remote/html-document.js';
import { httpUrl } from '../../lib/remote/plain-text.js';

export interface Endpoint {
  protocol: PingProtocol;
  url: string;
}

/** The entries of HTTP Link headers (RFC 8288): URL as written and rel values, in order. */
export function parseLinkHeader(
  header: string | string[] | undefined,
): { url: string; rels: string[] }[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const entries: { url: string; rels: string[] }[] = [];
  for (const value of values) {
    // Entries are separated by commas before the next "<url>".
    for (const part of value.split(/,(?=\s*<)/)) {
      const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
      if (!match) continue;
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i.exec(match[2]!);
      const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      entries.push({ url: match[1]!, rels });
    }
  }
  return entries;
}

function header(response: RemoteResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Where to send a ping for a fetched page. Webmention first: the HTTP Link
 * header, then the first <link> or <a> with rel="webmention" in document
 * order (markup in comments does not count). Pingback otherwise: the
 * X-Pingback header, then <link rel="pingback">. Relative URLs resolve
 * against the page's final URL (after redirects); query strings are kept.
 */
export function discoverEndpoint(response: RemoteResponse): Endpoint | null {
  const pageUrl = response.url;
  const endpoint = (protocol: PingProtocol, raw: string | undefined): Endpoint | null => {
    if (raw === undefined) return null;
    const url = httpUrl(resolveUrl(raw, pageUrl));
    return url ? { protocol, url } : null;
  };

  const fromHeader = parseLinkHeader(response.headers.link).find((l) =>
    l.rels.includes('webmention'),
  );
  const headerEndpoint = endpoint('WEBMENTION', fromHeader?.url);
  if (headerEndpoint) return headerEndpoint;

  const type = mediaType(response.headers);
  const isHtml = type === 'text/html' || type === 'application/xhtml+xml';
  const page = isHtml ? readHtml(decodeBody(response), pageUrl) : null;
  const tagged = (rel: string, tags: string[]) =>
    page?.links.find((l) => tags.includes(l.tag) && l.rels.includes(rel));

  const htmlWebmention = tagged('webmention', ['link', 'a']);
  // A <base> may have changed how the parser resolved it; the spec resolves against the page URL.
  const webmention = endpoint('WEBMENTION', htmlWebmention?.raw);
  if (webmention) return webmention;

  return (
    endpoint('PINGBACK', header(response, 'x-pingback')?.trim()) ??
    endpoint('PINGBACK', tagged('pingback', ['link'])?.raw)
  );
}
