import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const CANDIDATES = [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx'];

/**
 * Debian's nginx, or null (with the reason printed) on a developer machine
 * without it. CI installs it (.ci/run), so there a missing nginx fails.
 */
export function findNginx(): string | null {
  const found = CANDIDATES.find((p): p is string => Boolean(p && fs.existsSync(p)));
  if (found) return found;
  const reason = 'nginx not found (apt-get install nginx, or set NGINX_PATH)';
  if (process.env.CI) throw new Error(`${reason}: CI cannot skip the reverse proxy tests.`);
  console.warn(`\n  Skipping the reverse proxy tests: ${reason}.\n`);
  return null;
}

export interface ReverseProxy {
  /** http://127.0.0.1:<port> of nginx. */
  url: string;
  /** nginx's own log of what it proxied (its access log: $request_id and the client). */
  accessLog(): string;
  close(): Promise<void>;
}

/** A port that was free a moment ago (nginx needs a number in its configuration). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * nginx as a site would put it in front of Colloquy, from a temporary
 * directory, on a loopback port, proxying everything to `upstream`. It sends
 * what an ordinary proxy configuration sends: the client appended to
 * X-Forwarded-For ($proxy_add_x_forwarded_for), the scheme and the Host the
 * client asked for (X-Forwarded-Proto, X-Forwarded-Host; Host itself is
 * nginx's default, the upstream's address), and its own $request_id as
 * X-Request-Id.
 */
export async function startNginx(
  binary: string,
  upstream: string,
  /** 'forwarded': RFC 7239 `Forwarded` (for, proto, host) instead of the X-Forwarded-* headers. */
  style: 'x-forwarded' | 'forwarded' = 'x-forwarded',
): Promise<ReverseProxy> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(binary, upstream, await freePort(), style);
    } catch (error) {
      // Another process may have taken the port in between: try another, a few times.
      if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

async function launch(
  binary: string,
  upstream: string,
  port: number,
  style: 'x-forwarded' | 'forwarded',
): Promise<ReverseProxy> {
  const forwarding =
    style === 'forwarded'
      ? `proxy_set_header Forwarded "for=$remote_addr;proto=$scheme;host=\\"$http_host\\"";`
      : `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-nginx-'));
  const at = (name: string) => path.join(dir, name);
  const conf = `
# A master run as root would hand the workers to "nobody", who cannot use this directory.
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${at('nginx.pid')};
error_log ${at('error.log')} warn;
events { worker_connections 64; }
http {
  log_format proxied '$request_id $remote_addr "$request" $status';
  access_log ${at('access.log')} proxied;
  client_body_temp_path ${at('body')};
  proxy_temp_path ${at('proxy')};
  fastcgi_temp_path ${at('fastcgi')};
  uwsgi_temp_path ${at('uwsgi')};
  scgi_temp_path ${at('scgi')};
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      ${forwarding}
      proxy_set_header X-Request-Id $request_id;
    }
  }
}
`;
  fs.writeFileSync(at('nginx.conf'), conf);
  const child: ChildProcess = spawn(
    binary,
    ['-p', dir, '-e', at('error.log'), '-c', at('nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // Ready once it answers (at most 10 s); an nginx that exits says why in its error log.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = fs.existsSync(at('error.log')) ? fs.readFileSync(at('error.log'), 'utf8') : '';
      await stop();
      throw new Error(`nginx exited at start-up: ${stderr}${log}`);
    }
    if (await answers(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer on ${url} within 10 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    accessLog: () => fs.readFileSync(at('access.log'), 'utf8'),
    close: stop,
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP request from a chosen loopback address (all of 127.0.0.0/8 is the
 * loopback interface on Linux): how the tests are two different visitors
 * without two machines. fetch cannot pick its source address.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress,
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in 15 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A GraphQL POST from `localAddress`; the parsed body. */
export async function graphqlFrom<T>(
  localAddress: string,
  baseUrl: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; data?: T; raw: string }> {
  const res = await requestFrom(localAddress, `${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const parsed = JSON.parse(res.body) as { data?: T };
  return { status: res.status, headers: res.headers, data: parsed.data, raw: res.body };
}
