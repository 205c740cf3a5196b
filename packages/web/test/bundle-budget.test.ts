// @vitest-environment node
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pageBundles } from '../scripts/page-bundles';

// The built app (`pnpm build`, which `pnpm test` runs first), in bytes.
const client = path.resolve(import.meta.dirname, '../dist/client');
const KB = 1000;

describe('reader bundle budget (gzipped bytes of the built files)', () => {
  const bundles = Object.fromEntries(pageBundles(client).map((b) => [b.page, b]));
  const gzip = (page: string) => bundles[page]!.gzip;

  // 90 kB until the desk, live updates and reply notifications landed together (2026-12-02):
  // the desk's lazy import and the Vue and Apollo exports it shares with the entry (~0.3 kB),
  // the new-comments button and the notify-me flag took the post page to 90.4 kB.
  // A separate entry for the desk would take back the first part.
  it('loads at most 91 kB of JavaScript on a post page', () => {
    expect(gzip('post page, at load')).toBeLessThanOrEqual(91 * KB);
  });

  it('adds the thread and its form (lazily hydrated) in a chunk of at most 8 kB', () => {
    expect(
      gzip('post page, with its thread hydrated') - gzip('post page, at load'),
    ).toBeLessThanOrEqual(8 * KB);
  });

  it('adds the live updates (the WebSocket client, loaded when the browser is idle) in a chunk of at most 5 kB', () => {
    expect(
      gzip('post page, with live updates') - gzip('post page, with its thread hydrated'),
    ).toBeLessThanOrEqual(5 * KB);
  });

  it('keeps the WebSocket client and the live documents out of the code a post page loads first', () => {
    const atLoad = bundles['post page, at load']!;
    const hydrated = bundles['post page, with its thread hydrated']!;
    const live = bundles['post page, with live updates']!;
    const lazy = live.files.filter((f) => !hydrated.files.includes(f));
    expect(lazy.join(' ')).toMatch(/live-comments/);
    for (const file of atLoad.files) {
      const text = fs.readFileSync(path.join(client, file), 'utf8');
      // graphql-ws's protocol name and the subscription's root field.
      expect(text, file).not.toContain('graphql-transport-ws');
      expect(text, file).not.toContain('commentAdded');
    }
  });

  it('loads at most 93 kB on the home and tag pages', () => {
    expect(gzip('home and tag pages')).toBeLessThanOrEqual(93 * KB);
  });

  it('keeps the thread and the post list out of the code a post page loads first', () => {
    const atLoad = bundles['post page, at load']!.files.join(' ');
    expect(atLoad).not.toMatch(/CommentsSection|HomePage/);
  });

  it('loads the SHA-256 fallback (for pages without Web Crypto) only when a query is hashed there, in a chunk of at most 3 kB', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(client, '.vite', 'manifest.json'), 'utf8'),
    ) as Record<string, { file: string; imports?: string[]; dynamicImports?: string[] }>;
    const key = Object.keys(manifest).find((k) => k.includes('@noble/hashes'));
    expect(key).toBeDefined();
    expect(manifest['index.html']!.dynamicImports).toContain(key);
    const file = manifest[key!]!.file;
    for (const bundle of Object.values(bundles)) expect(bundle.files).not.toContain(file);
    expect(manifest[key!]!.imports ?? []).toEqual([]);
    const gzipped = zlib.gzipSync(fs.readFileSync(path.join(client, file))).length;
    expect(gzipped).toBeLessThanOrEqual(3 * KB);
  });

  it('links every stylesheet from the page itself: without JavaScript, lazily loaded code brings no styles', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(client, '.vite', 'manifest.json'), 'utf8'),
    ) as Record<string, { css?: string[] }>;
    for (const [key, chunk] of Object.entries(manifest)) expect(chunk.css ?? [], key).toEqual([]);
    const page = fs.readFileSync(path.join(client, 'index.html'), 'utf8');
    const stylesheets = fs
      .readdirSync(path.join(client, 'assets'))
      .filter((f) => f.endsWith('.css'));
    expect(stylesheets).toHaveLength(1);
    expect(page).toContain(`<link rel="stylesheet" crossorigin href="/assets/${stylesheets[0]}">`);
  });
});

describe('the editor’s desk stays out of the reader’s pages', () => {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(client, '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, { file: string; imports?: string[]; dynamicImports?: string[] }>;
  const bundles = pageBundles(client);
  const adminChunks = Object.entries(manifest).filter(([key]) => key.startsWith('src/admin/'));

  it('is a chunk of its own, imported lazily by the entry', () => {
    expect(adminChunks.map(([key]) => key)).toContain('src/admin/mount.ts');
    expect(manifest['index.html']!.dynamicImports).toContain('src/admin/mount.ts');
    expect(manifest['index.html']!.imports ?? []).not.toContain('src/admin/mount.ts');
  });

  it('is in none of the files a reader’s page loads, nor in their code or the stylesheet', () => {
    const adminFiles = adminChunks.map(([, chunk]) => chunk.file);
    for (const bundle of bundles) {
      for (const file of adminFiles) expect(bundle.files, bundle.page).not.toContain(file);
      for (const file of bundle.files) {
        const code = fs.readFileSync(path.join(client, file), 'utf8');
        // The desk's session key and its class names are its own.
        expect(code, file).not.toContain('colloquy.admin.session');
        expect(code, file).not.toMatch(/adm-comment|adm-header/);
      }
    }
    const css = fs
      .readdirSync(path.join(client, 'assets'))
      .filter((f) => f.endsWith('.css'))
      .map((f) => fs.readFileSync(path.join(client, 'assets', f), 'utf8'))
      .join('\n');
    expect(css).not.toMatch(/\.adm[-\s{]/);
    // …where the desk's chunk has them: the checks above can fail.
    const desk = fs.readFileSync(path.join(client, manifest['src/admin/mount.ts']!.file), 'utf8');
    expect(desk).toContain('colloquy.admin.session');
    expect(desk).toMatch(/\.adm-comment/);
  });
});
