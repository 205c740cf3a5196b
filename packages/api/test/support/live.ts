import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from './jobs.js';

/** How a live connection ended: the WebSocket close code and reason. */
export interface Closed {
  code: number;
  reason: string;
}

export interface LiveClient {
  client: Client;
  /** Resolves once the server acknowledged the connection. */
  connected: Promise<void>;
  /** Resolves when the socket closes (never retried). */
  closed: Promise<Closed>;
  /** The socket's close, if it has happened. */
  closedWith(): Closed | null;
  dispose(): Promise<void>;
}

/** A graphql-ws client on `url`'s /graphql, as a browser's would be (over the `ws` package). */
export function liveClient(url: string, authorization?: string): LiveClient {
  let closedWith: Closed | null = null;
  let resolveClosed!: (c: Closed) => void;
  const closed = new Promise<Closed>((resolve) => (resolveClosed = resolve));
  let resolveConnected!: () => void;
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : undefined,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: {
      connected: () => resolveConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closedWith = { code, reason: String(reason) };
        resolveClosed(closedWith);
      },
    },
  });
  return {
    client,
    connected,
    closed,
    closedWith: () => closedWith,
    dispose: () => client.dispose() as Promise<void>,
  };
}

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string };
}

/** One subscription's results as they arrive. */
export interface Recording<T> {
  items: T[];
  errors: GraphQLErrorBody[];
  completed: boolean;
  /** Resolves once `n` items have arrived; fails after 10 s. */
  count(n: number): Promise<T[]>;
  /** Resolves once an error has arrived. */
  failed(): Promise<GraphQLErrorBody[]>;
  stop(): void;
}

/** Subscribes with `query`; what the server sends under its root field is recorded. */
export function record<T>(
  live: LiveClient,
  query: string,
  variables: Record<string, unknown> = {},
): Recording<T> {
  const recording: Recording<T> = {
    items: [],
    errors: [],
    completed: false,
    count: async (n) => {
      await eventually(`${n} live item(s) (have ${recording.items.length})`, () =>
        recording.items.length >= n || recording.errors.length > 0 ? true : false,
      );
      if (recording.errors.length) throw new Error(JSON.stringify(recording.errors));
      return recording.items;
    },
    failed: async () => {
      await eventually('a live error', () => recording.errors.length > 0);
      return recording.errors;
    },
    stop: () => unsubscribe(),
  };
  const unsubscribe = live.client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) recording.errors.push(...(result.errors as GraphQLErrorBody[]));
        const value = result.data && Object.values(result.data)[0];
        if (value) recording.items.push(value);
      },
      error: (error) => {
        recording.errors.push(
          ...(Array.isArray(error)
            ? (error as GraphQLErrorBody[])
            : [{ message: String((error as { reason?: string }).reason ?? error) }]),
        );
      },
      complete: () => (recording.completed = true),
    },
  );
  return recording;
}

/** Waits until the server holds `n` live subscriptions (so what follows is heard). */
export async function subscriptions(feed: { subscriptionCount: number }, n: number): Promise<void> {
  await eventually(`${n} live subscription(s)`, () => feed.subscriptionCount === n);
}

export const COMMENT_ADDED = `subscription($postId: ID!) { commentAdded(postId: $postId) {
  id authorName authorUrl content depth createdAt parent { id } } }`;
export const LINKBACK_ADDED = `subscription($postId: ID!) { linkbackAdded(postId: $postId) {
  id kind sourceUrl title } }`;
export const QUEUE_CHANGED = `subscription { moderationQueueChanged { kind id postId status previousStatus } }`;
