import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { eventually } from './jobs.js';
import type { TestServer } from './server.js';

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status it was answered with. */
  answered: number;
}

/**
 * A webhook receiver on 127.0.0.1 (node:http, not our code): records every
 * request, and answers each path with the statuses scripted for it, in
 * order (0: no answer), then 200.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const answered = scripts.get(path)?.shift() ?? 200;
      // 0: no answer at all (the sender's timeout is what ends it).
      if (answered === 0)
        return void received.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          answered,
        });
      received.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        answered,
      });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    /** What `path` got, in order. */
    at: (path: string) => received.filter((r) => r.path === path),
    /** The statuses the next requests to `path` are answered with. */
    script: (path: string, statuses: number[]) => scripts.set(path, [...statuses]),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Verifies a request as a receiver would, with the standardwebhooks library; returns the payload. */
export function verify(secret: string, request: Received): WebhookBody {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  }) as WebhookBody;
}

export interface WebhookBody {
  type: string;
  version: number;
  timestamp: string;
  data: Record<string, Record<string, unknown> | string>;
}

export const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    endpoint { id url events includePrivateData enabled } secret errors { field code message } } }`;

/** Creates an endpoint as `token`; returns its id and secret (failing the test on errors). */
export async function createEndpoint(
  server: TestServer,
  token: string,
  input: { url: string; events: string[]; includePrivateData?: boolean; description?: string },
): Promise<{ id: string; secret: string }> {
  const res = await server.gqlAs<{
    createWebhookEndpoint: {
      endpoint: { id: string } | null;
      secret: string | null;
      errors: unknown[];
    };
  }>(token, CREATE_ENDPOINT, { input });
  const payload = res.data?.createWebhookEndpoint;
  if (!payload?.endpoint || !payload.secret) throw new Error(`endpoint not created: ${res.raw}`);
  return { id: payload.endpoint.id, secret: payload.secret };
}

/** Waits until `path` has had `count` requests (at most 10 s). */
export async function requestsAt(receiver: Receiver, path: string, count: number) {
  await eventually(
    `${count} webhook request(s) at ${path}`,
    () => receiver.at(path).length >= count,
  );
  return receiver.at(path);
}
