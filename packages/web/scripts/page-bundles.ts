import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** One page's JavaScript in the built app: its files, their size and their size gzipped (zlib's default level). */
export interface PageBundle {
  page: string;
  files: string[];
  bytes: number;
  gzip: number;
}

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}

/**
 * The JavaScript each reader page loads, from Vite's build manifest
 * (dist/client/.vite/manifest.json): the entry and its static imports, plus
 * the chunks of the page's route and, separately, the lazily hydrated thread
 * and the live updates it loads when the browser is idle (the WebSocket
 * client). A lazy chunk counts with everything it imports statically.
 * Bytes, never time: the budget test (test/bundle-budget.test.ts) and
 * `pnpm bench` both read this.
 */
export function pageBundles(clientDir: string): PageBundle[] {
  const manifestFile = path.join(clientDir, '.vite', 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${manifestFile} is missing: run \`pnpm build\` first.`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const chunk = (key: string): ManifestChunk => {
    const found = manifest[key];
    if (!found) throw new Error(`The build manifest has no chunk "${key}"`);
    return found;
  };
  /** A chunk and everything it imports statically. */
  const graph = (key: string, into = new Set<string>()): Set<string> => {
    if (into.has(key)) return into;
    into.add(key);
    for (const imported of chunk(key).imports ?? []) graph(imported, into);
    return into;
  };
  const bundle = (page: string, keys: Set<string>): PageBundle => {
    const files = [...keys].map((key) => chunk(key).file);
    const data = files.map((file) => fs.readFileSync(path.join(clientDir, file)));
    return {
      page,
      files,
      bytes: data.reduce((sum, d) => sum + d.length, 0),
      gzip: data.reduce((sum, d) => sum + zlib.gzipSync(d).length, 0),
    };
  };

  const entry = graph('index.html');
  const withChunk = (key: string) => graph(key, new Set(entry));
  const thread = 'src/components/comments/CommentsSection.vue';
  return [
    bundle('post page, at load', entry),
    bundle('post page, with its thread hydrated', withChunk(thread)),
    bundle('post page, with live updates', graph('src/lib/live-comments.ts', withChunk(thread))),
    bundle('home and tag pages', withChunk('src/pages/HomePage.vue')),
  ];
}
