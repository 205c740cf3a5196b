// What Apollo Server is given besides the schema: the request limits, the
// persisted-query cache and the error formatter.
import type { ApolloServerPlugin, PersistedQueryOptions } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { FastifyBaseLogger } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GraphQLContext } from './context.js';
import { rejectNulInput } from './input-guard.js';
import { enforceLimits } from './limits.js';

/** Depth, cost and size limits, and the NUL check: refused before anything runs. */
export const limitsPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      // After parsing (tokens capped by parseOptions) and validation, before anything runs.
      async didResolveOperation({ operation, document, request, source }) {
        const variables = request.variables ?? {};
        if (operation?.operation === 'subscription')
          throw new GraphQLError(
            'Subscriptions are served over WebSocket on /graphql (graphql-transport-ws), not over HTTP.',
            { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
          );
        if (operation) enforceLimits(document, operation, variables);
        // The text run: the request's, or the persisted query's for a hash-only request.
        rejectNulInput(document, variables, source);
      },
    };
  },
};

/**
 * Names the operation in the /graphql request's log line: the name Apollo
 * resolved (from the document when the request gave none).
 */
/** The logger of the request an error arose in (bound to its request id), for formatError. */
const requestLoggers = new WeakMap<object, FastifyBaseLogger>();

export const operationNamePlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart({ contextValue }) {
    // Apollo hands plugins a copy of the context; `log` is the request itself.
    const log = contextValue.log;
    if (!log) return;
    return {
      async didResolveOperation({ operationName }) {
        if (operationName) log.operationName = operationName;
      },
      async didEncounterErrors({ errors }) {
        // formatError (below) is handed these very errors, but not the request.
        for (const error of errors) requestLoggers.set(error, log.log);
      },
    };
  },
};

/**
 * How much query text the automatic persisted query cache holds, in
 * characters (what Apollo's LRU cache counts for a string): a few thousand
 * ordinary queries, and at least 40 of the largest a request may carry
 * (MAX_TOKENS, the 100 KB body limit). Past it the least recently used query
 * goes; a client whose hash is no longer known gets PERSISTED_QUERY_NOT_FOUND
 * and sends the query again.
 */
export const PERSISTED_QUERY_CACHE_CHARS = 4 * 1024 * 1024;

/**
 * Automatic persisted queries (a client sends a query's SHA-256 instead of
 * its text; GET with a hash is what a browser or CDN can cache), in a cache
 * of their own, kept apart from anything else that uses Apollo's `cache`.
 * In process memory: each API process learns a query the first time a
 * client sends it there, so nothing has to be shared between processes.
 * Entries stay until the cache is full (no TTL): a query's text does not
 * go stale.
 */
export function persistedQueries(): PersistedQueryOptions {
  return {
    cache: new InMemoryLRUCache<string>({ maxSize: PERSISTED_QUERY_CACHE_CHARS }),
    ttl: null,
  };
}

// graphql-js echoes the whole variable value in coercion errors, which would
// repeat a commenter's email. Keep only reasons that carry no input value.
const VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value /;
const SAFE_REASON =
  /(Field "\w+" of required type "[\w![\]]+" was not provided\.|Field "\w+" is not defined by type "\w+"\.(?: Did you mean [\w", ]+\?)?)$/;

function withoutInputValues(message: string): string {
  const variable = VARIABLE_ERROR.exec(message);
  if (!variable) return message;
  const reason = SAFE_REASON.exec(message)?.[1] ?? 'A value has the wrong type.';
  return `Variable "$${variable[1]}" got an invalid value: ${reason}`;
}

/**
 * What the log may say about a failure. Not the error object itself: a
 * TypeORM QueryFailedError carries the statement's bound parameters, and
 * those can be a commenter's email.
 */
function describeFailure(error: unknown): {
  name: string;
  message: string;
  query?: string;
  stack?: string;
} {
  const cause = (error as { originalError?: unknown } | null)?.originalError ?? error;
  if (!(cause instanceof Error)) return { name: 'Unknown', message: String(cause) };
  const query = (cause as { query?: unknown }).query;
  return {
    name: cause.name,
    message: cause.message,
    ...(typeof query === 'string' ? { query: query.slice(0, 500) } : {}),
    stack: cause.stack?.split('\n').slice(1, 8).join('\n'),
  };
}

/**
 * Some of Apollo's own refusals of a request (a persisted query whose hash is
 * not its text's, an unknown persisted-query version) set HTTP 400 but no
 * code, and so would read as INTERNAL_SERVER_ERROR: the request's fault, not
 * a failure of the server.
 */
function isRefusedRequest(error: unknown): boolean {
  // Read, not `instanceof GraphQLError`: Apollo may load graphql-js's CommonJS build, and we its ESM one.
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions
    ?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

const CONTEXT_FAILED = 'Context creation failed: ';
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables';

export function formatError(log: FastifyBaseLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (VARIABLE_ERROR.test(formatted.message)) {
      return { ...formatted, message: withoutInputValues(formatted.message) };
    }
    if (
      formatted.extensions?.code === 'UNAUTHENTICATED' &&
      formatted.message.startsWith(CONTEXT_FAILED)
    ) {
      // A bad bearer token is found while building the context; Apollo prefixes that.
      return { ...formatted, message: formatted.message.slice(CONTEXT_FAILED.length) };
    }
    if (formatted.message.startsWith(TOO_MANY_VARIABLE_ERRORS)) {
      // graphql-js stops after 50 bad variable values with an error that has no code.
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR' && isRefusedRequest(error)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_REQUEST' } };
    }
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      // The cause goes to the log; the client gets no internals.
      // Under the request's id when the error came from a /graphql request.
      const logger =
        (error !== null && typeof error === 'object' && requestLoggers.get(error)) || log;
      logger.error(
        { path: formatted.path, cause: describeFailure(error) },
        'GraphQL resolver failed',
      );
      return {
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
        path: formatted.path,
      };
    }
    return formatted;
  };
}
