// What Apollo Server is given besides the schema: the request limits and the error formatter.
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyBaseLogger } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import type { GraphQLContext } from './context.js';
import { rejectNulInput } from './input-guard.js';
import { enforceLimits } from './limits.js';

/** Depth, cost and size limits, and the NUL check: refused before anything runs. */
export const limitsPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      // After parsing (tokens capped by parseOptions) and validation, before anything runs.
      async didResolveOperation({ operation, document, request }) {
        const variables = request.variables ?? {};
        if (operation) enforceLimits(document, operation, variables);
        rejectNulInput(document, variables, request.query);
      },
    };
  },
};

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
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      // The cause goes to the log; the client gets no internals.
      log.error({ path: formatted.path, cause: describeFailure(error) }, 'GraphQL resolver failed');
      return {
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
        path: formatted.path,
      };
    }
    return formatted;
  };
}
