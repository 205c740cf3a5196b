// Replays the examples in docs/*.md against the real server, so the docs cannot
// drift from what Colloquy answers. The format is described in docs/README.md
// ("Examples that cannot rot"); in short:
//
//   <!-- example: name -->        (or `<!-- example: name, retry -->`)
//   ```sh
//   curl … | pnpm -s colloquy …   (one command)
//   ```
//   ```json                       (or text, xml, …: the answer)
//   …
//   ```
//
// Each page gets a fresh server on a fresh, seeded SQLite database, and its
// examples run in order, so a token from one answer can be used by the next.
//
// The parser is in support/doc-examples.ts, the replayer in support/doc-replay.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePage } from '../support/doc-examples.js';
import { replay } from '../support/doc-replay.js';
import { startServer, type TestServer } from '../support/server.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const DOCS = path.join(ROOT, 'docs');

const pages = fs
  .readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => parsePage(`docs/${f}`, fs.readFileSync(path.join(DOCS, f), 'utf8')));

describe('docs examples: the pages', () => {
  it('parse: every shell block is a replayed example or says why it is not', () => {
    expect(pages.flatMap((p) => p.problems)).toEqual([]);
  });

  it('lose no example marker (a marker the parser missed would be an example never replayed)', () => {
    for (const page of pages) {
      const markdown = fs.readFileSync(path.join(ROOT, page.file), 'utf8');
      // Markers inside code blocks (this format's own documentation) are not examples.
      const outsideBlocks = markdown.replace(/^ *(`{3,}|~{3,})[^]*?^ *\1\s*$/gm, '');
      const markers = outsideBlocks.match(/<!--\s*example:/g)?.length ?? 0;
      expect(page.examples.length, page.file).toBe(markers);
    }
    expect(pages.reduce((n, p) => n + p.examples.length, 0)).toBeGreaterThan(0);
  });
});

for (const page of pages.filter((p) => p.examples.length > 0)) {
  describe(`docs examples: ${page.file}`, () => {
    let server: TestServer;
    let vars = new Map<string, string>();
    let broken: string | null = null;

    beforeAll(async () => {
      server = await startServer('sqlite');
      // As `pnpm start` without PUBLIC_URL: the public URL is the address served.
      server.config.publicUrl = server.url;
      server.config.publicUrlSource = 'default';
    });
    afterAll(async () => {
      await server?.close();
    });

    for (const example of page.examples) {
      it(`${example.name} (${page.file}:${example.line})`, async (ctx) => {
        if (broken) ctx.skip(`an earlier example on this page failed: ${broken}`);
        const where = `${page.file}:${example.line} example "${example.name}"`;
        try {
          vars = await replay(server, example, vars, where);
        } catch (error) {
          broken = example.name;
          if (error instanceof Error && !error.message.startsWith(where)) {
            error.message = `${where}: ${error.message}`;
          }
          throw error;
        }
      }, 60_000);
    }
  });
}
