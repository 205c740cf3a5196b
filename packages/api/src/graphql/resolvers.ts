import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { Resolvers } from '../generated/graphql.js';
import { modules as appModules } from '../modules/index.js';
import type { AnyModule } from '../modules/module.js';

function toDate(value: unknown): Date {
  const date =
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 date-time string.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: toDate,
  parseLiteral: (ast) => toDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** Merges the modules' resolver maps (each type's fields may come from several modules). */
export function buildResolvers(modules: readonly AnyModule[] = appModules): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  const maps = modules.flatMap((m) => m.resolvers ?? []);
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      merged[type] = { ...merged[type], ...(fields as Record<string, unknown>) };
    }
  }
  return { ...(merged as Resolvers), DateTime };
}
