import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Distinct GraphQL operation names given series of their own; later newcomers count as `other`. */
export const MAX_OPERATION_NAMES = 100;

/** The route label of a request that matched no route (the not-found handler's). */
export const NO_ROUTE = '(no route)';
/** The operation label of a GraphQL request that names no operation. */
export const ANONYMOUS = '(anonymous)';
export const OTHER_OPERATION = 'other';

/** Seconds: from a cached read (~30 µs) to a slow uncached page. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
/** The name of a document's first operation, when it starts with one (`query PostPage …`). */
const FIRST_OPERATION = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

type Labels = 'method' | 'route' | 'status' | 'operation';

interface Child {
  labels: Partial<Record<Labels, string>>;
  /** Requests counted, handed to the counter when scraped. */
  count: number;
  observe(seconds: number): void;
}

/**
 * Request counts and latencies by route pattern (never the raw URL: its
 * values are unbounded), method and status class, and for /graphql by
 * operation name. Each request costs three map lookups, one increment of a
 * plain number (the counter reads it when scraped: prom-client's inc would
 * hash the labels again on every call) and one histogram observe on a child
 * resolved once per label set.
 */
export class RequestMetrics {
  private readonly durations: Histogram<Labels>;
  /** Route → method → operation ('' off /graphql) → status class (2 for 2xx) → its series. */
  private readonly series = new Map<string, Map<string, Map<string, (Child | undefined)[]>>>();
  private readonly children: Child[] = [];
  /** Operation names seen answered without error, at most MAX_OPERATION_NAMES of them. */
  private readonly operations = new Set<string>();

  constructor(
    registry: Registry,
    private readonly graphqlRoute = '/graphql',
  ) {
    const labelNames: Labels[] = ['method', 'route', 'status', 'operation'];
    const children = this.children;
    new Counter<Labels>({
      name: 'colloquy_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method, status class and (for /graphql) operation name.',
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const child of children) this.inc(child.labels, child.count);
      },
    });
    this.durations = new Histogram({
      name: 'colloquy_http_request_duration_seconds',
      help: 'Time from routing to the last byte sent, by the same labels as colloquy_http_requests_total.',
      labelNames,
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** Counts an answered request (Fastify's onResponse). */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? NO_ROUTE;
    const status = reply.statusCode;
    const operation =
      route === this.graphqlRoute && request.method !== 'OPTIONS'
        ? this.operationLabel(sentOperationName(request), status)
        : '';
    // Nested lookups of strings that are the same objects each time: no key is built per request.
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byOperation = byMethod.get(request.method);
    if (!byOperation) byMethod.set(request.method, (byOperation = new Map()));
    let byClass = byOperation.get(operation);
    if (!byClass) byOperation.set(operation, (byClass = []));
    const statusClass = Math.floor(status / 100);
    let child = byClass[statusClass];
    if (!child) {
      const labels: Partial<Record<Labels, string>> = {
        method: request.method,
        route,
        status: `${statusClass}xx`,
      };
      if (operation) labels.operation = operation;
      const histogram = this.durations.labels(labels);
      child = { labels, count: 0, observe: (seconds) => histogram.observe(seconds) };
      byClass[statusClass] = child;
      this.children.push(child);
    }
    child.count++;
    child.observe(reply.elapsedTime / 1000);
  }

  /**
   * A name the client sent gets a series once an operation of that name was
   * answered without error, for the first MAX_OPERATION_NAMES names: a client
   * cannot make series without bound.
   */
  private operationLabel(name: string | null, status: number): string {
    if (name === null) return ANONYMOUS;
    if (this.operations.has(name)) return name;
    if (status >= 400 || this.operations.size >= MAX_OPERATION_NAMES || !GRAPHQL_NAME.test(name))
      return OTHER_OPERATION;
    this.operations.add(name);
    return name;
  }
}

/** The operation name of a GraphQL request: its operationName, else its document's first operation's. */
function sentOperationName(request: FastifyRequest): string | null {
  const params = request.method === 'GET' ? request.query : request.body;
  if (!params || typeof params !== 'object' || Array.isArray(params)) return null;
  const { operationName, query } = params as { operationName?: unknown; query?: unknown };
  if (typeof operationName === 'string' && operationName) return operationName;
  if (typeof query === 'string') return FIRST_OPERATION.exec(query)?.[1] ?? null;
  return null;
}
