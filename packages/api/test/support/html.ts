// Reader pages over plain HTTP, parsed with htmlparser2 (the API's own HTML
// parser) so tests assert on elements, attributes and text, not on markup.
import { DomUtils, parseDocument } from 'htmlparser2';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { SettingsStore } from '../../src/db/settings.js';
import { FormSigner, loadSigningSecret } from '../../src/web/signing.js';

type HtmlDocument = ReturnType<typeof parseDocument>;
export type HtmlElement = NonNullable<ReturnType<typeof DomUtils.findOne>>;
type HtmlNode = Parameters<typeof DomUtils.textContent>[0];

export interface HtmlPage {
  status: number;
  headers: Headers;
  /** The response body as sent. */
  html: string;
  doc: HtmlDocument;
  /** `<div id="app">`: what the Vue app rendered. */
  app: HtmlElement;
}

export function parsePage(status: number, headers: Headers, html: string): HtmlPage {
  const doc = parseDocument(html);
  const app = DomUtils.findOne((el) => el.attribs.id === 'app', doc.children);
  if (!app) throw new Error(`No <div id="app"> in the page (HTTP ${status}):\n${html}`);
  return { status, headers, html, doc, app };
}

/** GETs a page as a browser does (Accept: text/html) and parses it. */
export async function getPage(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<HtmlPage> {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: { accept: 'text/html', ...headers },
    redirect: 'manual',
  });
  return parsePage(res.status, res.headers, await res.text());
}

/** Every element under `root` (itself included) that `test` accepts, in document order. */
export function findAll(
  root: HtmlElement | HtmlDocument,
  test: (el: HtmlElement) => boolean,
): HtmlElement[] {
  return DomUtils.findAll(test, [root]);
}

/** Elements by tag name and, optionally, exact attribute values. */
export function byTag(
  root: HtmlElement | HtmlDocument,
  tag: string,
  attrs: Record<string, string> = {},
): HtmlElement[] {
  return findAll(
    root,
    (el) => el.name === tag && Object.entries(attrs).every(([k, v]) => el.attribs[k] === v),
  );
}

/** Elements carrying a class. */
export function byClass(root: HtmlElement | HtmlDocument, name: string): HtmlElement[] {
  return findAll(root, (el) => (el.attribs.class ?? '').split(/\s+/).includes(name));
}

/** The one element with this id (fails the test when there is none or more than one). */
export function byId(root: HtmlElement | HtmlDocument, id: string): HtmlElement {
  const found = findAll(root, (el) => el.attribs.id === id);
  expect(found, `elements with id="${id}"`).toHaveLength(1);
  return found[0]!;
}

/** Text content with whitespace runs collapsed, as a reader sees it. */
export function text(node: HtmlNode): string {
  return DomUtils.textContent(node).replace(/\s+/g, ' ').trim();
}

/** Text content exactly as parsed (entities decoded, whitespace kept). */
export function rawText(node: HtmlNode): string {
  return DomUtils.textContent(node);
}

/** The links under `root`: href and text. */
export function links(root: HtmlElement | HtmlDocument): { href: string; text: string }[] {
  return byTag(root, 'a')
    .filter((a) => a.attribs.href !== undefined)
    .map((a) => ({ href: a.attribs.href!, text: text(a) }));
}

/** True when `inner` is `outer` or lies inside it. */
export function contains(outer: HtmlElement, inner: HtmlElement): boolean {
  for (let node: HtmlElement | null = inner; node; node = node.parentNode as HtmlElement | null) {
    if (node === outer) return true;
  }
  return false;
}

/** The comment `<li id="comment-<id>">`. */
export function commentItem(page: HtmlPage, id: number | string): HtmlElement {
  return byId(page.app, `comment-${id}`);
}

/** Ids of the comments the page shows, in document order. */
export function commentIds(page: HtmlPage): number[] {
  return findAll(
    page.app,
    (el) => el.name === 'li' && /^comment-\d+$/.test(el.attribs.id ?? ''),
  ).map((el) => Number(el.attribs.id!.slice('comment-'.length)));
}

/** The comment forms on the page (`<section id="respond">` holds one). */
export function commentForms(page: HtmlPage): HtmlElement[] {
  return byTag(page.app, 'form', { method: 'post' });
}

/** The one comment form of the page. */
export function commentForm(page: HtmlPage): HtmlElement {
  const forms = commentForms(page);
  expect(forms, 'comment forms on the page').toHaveLength(1);
  return forms[0]!;
}

/** What a browser would send for this form: each named input's value and the textarea's text. */
export function formValues(form: HtmlElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const el of findAll(form, (e) => e.name === 'input' || e.name === 'textarea')) {
    const name = el.attribs.name;
    if (!name) continue;
    values[name] = el.name === 'textarea' ? DomUtils.textContent(el) : (el.attribs.value ?? '');
  }
  return values;
}

/** The form control named `name`, and what its label and error say. */
export function formField(form: HtmlElement, name: string) {
  const control = findAll(form, (el) => el.attribs.name === name)[0];
  if (!control) throw new Error(`No form control named ${name}`);
  const id = control.attribs.id;
  const label = id ? byTag(form, 'label', { for: id })[0] : undefined;
  const errorId = id ? `${id}-error` : undefined;
  const error = errorId ? findAll(form, (el) => el.attribs.id === errorId)[0] : undefined;
  return {
    control,
    label: label ? text(label) : null,
    error: error ? text(error) : null,
    invalid: control.attribs['aria-invalid'] === 'true',
  };
}

/**
 * The raw text of the `<script>` that starts with exactly `openTag`, up to
 * where an HTML parser ends it (the first `</script`, in any letter case).
 */
export function rawScript(html: string, openTag: string): string {
  const start = html.indexOf(openTag);
  if (start < 0) throw new Error(`No ${openTag} in the page`);
  const from = start + openTag.length;
  const end = html.toLowerCase().indexOf('</script', from);
  if (end < 0) throw new Error(`${openTag} is never closed`);
  return html.slice(from, end);
}

export const DATA_SCRIPT = '<script id="colloquy-data" type="application/json">';
export const JSON_LD_SCRIPT = '<script type="application/ld+json">';

/** Parses a script's JSON and checks it could not have ended the element or opened a comment. */
export function scriptJson<T = Record<string, unknown>>(html: string, openTag: string): T {
  const raw = rawScript(html, openTag);
  expect(raw).not.toMatch(/<!--|<\/script|\u2028|\u2029/i);
  return JSON.parse(raw) as T;
}

/** The page's data for hydration (packages/web/src/ssr/page-data.ts). */
export interface PageDataJson {
  /** Each query the render ran, as the API answered it. */
  queries: { query: string; variables: Record<string, unknown>; data: Record<string, unknown> }[];
  page: Record<string, unknown>;
}

/** The page's data for hydration, checked as scriptJson does. */
export function pageData(html: string): PageDataJson {
  return scriptJson<PageDataJson>(html, DATA_SCRIPT);
}

/**
 * Every object of this `__typename` in the page data's query results, by id:
 * what the browser's cache will hold of that type once it has written them.
 */
export function dataObjects<T = Record<string, unknown>>(
  data: PageDataJson,
  typename: string,
): Map<string, T> {
  const found = new Map<string, T>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    if (object.__typename === typename && typeof object.id === 'string') {
      found.set(object.id, { ...found.get(object.id), ...object } as T);
    }
    Object.values(object).forEach(walk);
  };
  walk(data.queries.map((query) => query.data));
  return found;
}

/**
 * The site's own FormSigner (its secret from the settings table), to make
 * pending cookies and form tokens as the server does, optionally at another
 * time (an expired token).
 */
export async function siteSigner(db: Database, now?: () => number): Promise<FormSigner> {
  const secret = await loadSigningSecret(db, new SettingsStore({ db }));
  return new FormSigner(secret, now);
}
