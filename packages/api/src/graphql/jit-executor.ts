import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import type { GraphQLContext } from './context.js';

/**
 * graphql-js as the schema's builder (@graphql-tools/schema), Apollo and
 * graphql-jit load it: its CommonJS build. Where our own modules get its ESM
 * build instead (a bundler's resolution, as in the tests), graphql-js would
 * take the schema's types for another copy's and refuse them.
 */
const { execute, getVariableValues, printSchema } = createRequire(import.meta.url)(
  'graphql',
) as typeof GraphQL;

/**
 * Runs the shareable reads (cache/graphql-plugin.ts: an anonymous query of
 * the public root fields, the reader's post page and post list) with
 * graphql-jit, everything else with graphql-js as Apollo would.
 *
 * Why: uncached, the post page's ~60 comments and their fields are ~700
 * field resolutions, and graphql-js works each out anew (collecting fields,
 * completing values, building paths). graphql-jit compiles a query once
 * into a function for its shape. Only the hot public reads take that path:
 * their documents are few (the reader app's), the rest keep graphql-js's
 * exact behaviour (mutations, editors' queries, introspection).
 *
 * Apollo Server has one seam for another executor, its gateway interface:
 * this is a "gateway" serving our own schema. Parsing, validation, the
 * limits and every plugin still run as before; only execution differs.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  /** Per parsed document (Apollo reuses one per query text) and operation name. */
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  const compile = (document: DocumentNode, operationName: string | null) => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let query = byName.get(key);
    if (query === undefined) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      // Not compiled (graphql-jit refuses what it cannot do): graphql-js runs it.
      query = isCompiledQuery(result) ? result : null;
      byName.set(key, query);
    }
    return query;
  };

  const executor: GatewayExecutor = async (request) => {
    const context = request.context as unknown as GraphQLContext;
    const variables = request.request.variables ?? {};
    // As the client asked (request.operationName is what Apollo resolved, null when nothing matched).
    const operationName = request.request.operationName ?? null;
    // Variables that do not fit the operation are graphql-js's to refuse, in
    // its words (Apollo answers them as BAD_USER_INPUT, by those words).
    if (
      context.loaders.reads.shared &&
      request.operation &&
      !getVariableValues(schema, request.operation.variableDefinitions ?? [], variables, {
        maxErrors: 1,
      }).errors
    ) {
      const query = compile(request.document, operationName);
      if (query) return (await query.query(undefined, context, variables)) as ExecutionResult;
    }
    return execute({
      schema,
      document: request.document,
      contextValue: context,
      variableValues: variables,
      operationName,
    });
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}
