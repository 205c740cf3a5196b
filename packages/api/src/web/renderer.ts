import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { PageState } from './page-state.js';
import { compileShell, type Shell } from './shell.js';

// The contract with packages/web/src/entry-server.ts, which this process
// imports (the built file, or through Vite in development). The HTML tests
// and the browser tests hold the two sides together.

/** One GraphQL operation of a page, run against our own schema in-process. */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}
export interface OperationResult {
  data?: Record<string, unknown> | null;
  errors?: readonly unknown[];
}
export type ExecuteOperation = (operation: Operation) => Promise<OperationResult>;

export interface RenderRequest {
  url: string;
  execute: ExecuteOperation;
  page: PageState;
}
export interface RenderResult {
  html: string;
  data: string;
  head: string;
  status: 200 | 400 | 404 | 503;
}

/** Renders reader pages: the web app's index.html and its server entry. */
export interface PageRenderer {
  /** The page template for this URL (index.html, transformed by Vite in development), cut at its markers. */
  template(url: string): Promise<Shell>;
  render(request: RenderRequest): Promise<RenderResult>;
  close(): Promise<void>;
}

interface ServerEntry {
  render(request: RenderRequest): Promise<RenderResult>;
}

/** Where `pnpm build` puts the web app: the browser's files and the server renderer. */
export function webPaths(webRoot: string) {
  return {
    client: path.join(webRoot, 'client'),
    template: path.join(webRoot, 'client', 'index.html'),
    serverEntry: path.join(webRoot, 'server', 'entry-server.js'),
    /** The web package's sources (development only): the parent of dist/. */
    source: path.resolve(webRoot, '..'),
  };
}

/** The production renderer from the built files; null when the web app has not been built. */
export async function loadBuiltRenderer(webRoot: string): Promise<PageRenderer | null> {
  const paths = webPaths(webRoot);
  if (!fs.existsSync(paths.template) || !fs.existsSync(paths.serverEntry)) return null;
  const shell = compileShell(fs.readFileSync(paths.template, 'utf8'));
  const entry = (await import(pathToFileURL(paths.serverEntry).href)) as ServerEntry;
  return {
    template: async () => shell,
    render: (request) => entry.render(request),
    close: async () => {},
  };
}

/**
 * The development renderer: Vite in middleware mode inside this server, so
 * the browser gets hot module replacement and every render uses the current
 * sources (`pnpm dev`).
 */
export async function startDevRenderer(
  app: FastifyInstance,
  webRoot: string,
): Promise<PageRenderer> {
  const paths = webPaths(webRoot);
  const [{ createServer }, { default: middie }] = await Promise.all([
    import('vite'),
    import('@fastify/middie'),
  ]);
  const vite = await createServer({
    root: paths.source,
    configFile: path.join(paths.source, 'vite.config.ts'),
    appType: 'custom',
    server: { middlewareMode: true },
  });
  await app.register(middie);
  app.use(vite.middlewares);
  return {
    template: async (url) =>
      compileShell(
        await vite.transformIndexHtml(
          url,
          fs.readFileSync(path.join(paths.source, 'index.html'), 'utf8'),
        ),
      ),
    render: async (request) => {
      const entry = (await vite.ssrLoadModule('/src/entry-server.ts')) as ServerEntry;
      return entry.render(request);
    },
    close: () => vite.close(),
  };
}
