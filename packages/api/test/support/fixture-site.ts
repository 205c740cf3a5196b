import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FixtureRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type FixtureHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A canned answer: status (200), headers, body. */
export interface FixturePage {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
}

export interface FixtureSite {
  /** http://127.0.0.1:PORT (no trailing slash). */
  origin: string;
  /** TCP connections accepted so far: proves whether anything connected at all. */
  connections: number;
  requests: FixtureRequest[];
  /** Serves `path` (path and query) with a handler or a canned page. */
  route(path: string, answer: FixtureHandler | FixturePage): void;
  close(): Promise<void>;
}

/** A page of HTML (text/html; charset=utf-8). */
export function html(body: string, headers: Record<string, string | string[]> = {}): FixturePage {
  return { headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

/**
 * A real HTTP server on 127.0.0.1 that plays another blog in linkback tests:
 * a source that links (or not) to our posts, or a target with its endpoints.
 * Unknown paths answer 404.
 */
export async function startFixtureSite(): Promise<FixtureSite> {
  const routes = new Map<string, FixtureHandler>();
  const sockets = new Set<Socket>();
  const site: FixtureSite = {
    origin: '',
    connections: 0,
    requests: [],
    route(path, answer) {
      routes.set(
        path,
        typeof answer === 'function'
          ? answer
          : (_req, res) => {
              res.writeHead(answer.status ?? 200, answer.headers ?? {});
              res.end(answer.body ?? '');
            },
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      site.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      });
      const handler = routes.get(req.url ?? '');
      if (handler) return handler(req, res, body);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
  });
  server.on('connection', (socket) => {
    site.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return site;
}
