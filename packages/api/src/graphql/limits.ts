import {
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../lib/pagination.js';

// The limits follow GraphQL Armor's set (tokens, aliases, directives, depth,
// cost) plus a cap on fragment definitions. Tokens are capped by graphql-js
// itself while parsing (Apollo's parseOptions.maxTokens), so nothing after
// the parser ever sees a larger document; the other counts are taken in one
// pass over the document before the depth and cost walk.
export const MAX_DEPTH = 20;
export const MAX_COST = 10_000;
/**
 * Lexical tokens per document (Armor's default). Our largest client query
 * has under 250 and an introspection query under 200. It also bounds
 * graphql-js validation, which is quadratic in repeated fields.
 */
export const MAX_TOKENS = 1_000;
export const MAX_ALIASES = 30;
export const MAX_DIRECTIVES = 50;
export const MAX_FRAGMENTS = 50;
/**
 * What `__schema` costs: its answer is the whole schema, so it counts for
 * half the budget and a query can ask for it once (as introspection
 * clients do), not once per alias.
 */
export const SCHEMA_INTROSPECTION_COST = MAX_COST / 2;

export interface QueryLimits {
  depth: number;
  cost: number;
  aliases: number;
  directives: number;
  fragments: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  depth: MAX_DEPTH,
  cost: MAX_COST,
  aliases: MAX_ALIASES,
  directives: MAX_DIRECTIVES,
  fragments: MAX_FRAGMENTS,
};

type Fragments = Record<string, FragmentDefinitionNode>;
type Variables = Record<string, unknown>;

function argValue(node: ValueNode, variables: Variables): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

function firstArg(field: FieldNode, variables: Variables): number | null {
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  if (!field.arguments?.some((a) => a.name.value === 'first' || a.name.value === 'after')) {
    return null; // not a connection
  }
  const value = arg ? argValue(arg.value, variables) : undefined;
  if (typeof value === 'number' && Number.isFinite(value))
    return Math.max(0, Math.min(value, MAX_PAGE_SIZE));
  return arg ? MAX_PAGE_SIZE : DEFAULT_PAGE_SIZE;
}

export interface DocumentCounts {
  fragments: number;
  aliases: number;
  directives: number;
}

/**
 * The counts of documents already seen. Apollo keeps each parsed and
 * validated document (its document store) and hands the same object to
 * every request with that query text, so a known document is counted once,
 * not once per request; a document Apollo has let go is collected here too.
 */
const counted = new WeakMap<DocumentNode, DocumentCounts>();

/** Fragment definitions, aliases and directives as written in the document: one linear pass. */
export function countDocument(document: DocumentNode): DocumentCounts {
  let known = counted.get(document);
  if (!known) {
    known = countOnce(document);
    counted.set(document, known);
  }
  return known;
}

function countOnce(document: DocumentNode): DocumentCounts {
  const counts: DocumentCounts = { fragments: 0, aliases: 0, directives: 0 };
  visit(document, {
    FragmentDefinition: () => void counts.fragments++,
    Field: (node) => void (node.alias && counts.aliases++),
    Directive: () => void counts.directives++,
  });
  return counts;
}

export interface Measure {
  depth: number;
  cost: number;
  /** Selections looked at: each selection of the document at most once, however often its fragment is spread. */
  visited: number;
}

/**
 * Measures an operation: depth counts nested fields; cost counts the fields
 * that may be resolved (introspection included; `__schema` counts
 * SCHEMA_INTROSPECTION_COST), multiplying a connection's selection by its
 * page size. `replies` is not multiplied: a page's tree holds each comment
 * at most once, so the thread's size bounds all reply levels together (and
 * the tree is read in one statement, see comments/look-ahead.ts), and each
 * level is counted once per parent page rather than once per parent.
 *
 * Linear in the document: a selection set's cost at multiplier m is m times
 * its cost at 1, so each fragment is measured once and its depth and cost
 * are reused wherever it is spread.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Variables,
): Measure {
  let visited = 0;
  const memo = new Map<string, { depth: number; cost: number }>();
  const inProgress = new Set<string>();

  // Depth is relative (a set of leaves is 1 deep); cost is at multiplier 1.
  const measureSet = (set: SelectionSetNode): { depth: number; cost: number } => {
    let depth = 0;
    let cost = 0;
    for (const sel of set.selections) {
      visited++;
      if (sel.kind === Kind.FIELD) {
        let fieldCost = sel.name.value === '__schema' ? SCHEMA_INTROSPECTION_COST : 1;
        let fieldDepth = 1;
        if (sel.selectionSet) {
          const child = measureSet(sel.selectionSet);
          const first = firstArg(sel, variables);
          const multiplier =
            first === null || sel.name.value === 'replies' ? 1 : Math.max(first, 1);
          fieldCost += multiplier * child.cost;
          fieldDepth += child.depth;
        }
        cost += fieldCost;
        depth = Math.max(depth, fieldDepth);
      } else {
        const inner =
          sel.kind === Kind.INLINE_FRAGMENT
            ? measureSet(sel.selectionSet)
            : measureSpread(sel.name.value);
        cost += inner.cost;
        depth = Math.max(depth, inner.depth);
      }
    }
    return { depth, cost };
  };

  const measureSpread = (name: string): { depth: number; cost: number } => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments[name];
    // Unknown fragments and cycles are invalid GraphQL, refused by validation before this runs.
    if (!fragment || inProgress.has(name)) return { depth: 0, cost: 0 };
    inProgress.add(name);
    const measured = measureSet(fragment.selectionSet);
    inProgress.delete(name);
    memo.set(name, measured);
    return measured;
  };

  const { depth, cost } = measureSet(operation.selectionSet);
  return { depth, cost, visited };
}

function refuse(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

const points = (n: number) =>
  n <= Number.MAX_SAFE_INTEGER ? String(n) : `more than ${Number.MAX_SAFE_INTEGER}`;

/**
 * Throws a client error (HTTP 400) when the document has too many fragments,
 * aliases or directives, or the operation is deeper or costlier than allowed.
 * The counts come first, so the walk only ever sees a document of bounded size.
 */
export function enforceLimits(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  limits: QueryLimits = DEFAULT_LIMITS,
): void {
  const counts = countDocument(document);
  if (counts.fragments > limits.fragments) {
    throw refuse(
      'QUERY_TOO_MANY_FRAGMENTS',
      `Query has too many fragments: ${counts.fragments}, the limit is ${limits.fragments}.`,
    );
  }
  if (counts.aliases > limits.aliases) {
    throw refuse(
      'QUERY_TOO_MANY_ALIASES',
      `Query has too many aliases: ${counts.aliases}, the limit is ${limits.aliases}.`,
    );
  }
  if (counts.directives > limits.directives) {
    throw refuse(
      'QUERY_TOO_MANY_DIRECTIVES',
      `Query has too many directives: ${counts.directives}, the limit is ${limits.directives}.`,
    );
  }

  const fragments: Fragments = {};
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  }
  const measured = measureOperation(operation, fragments, variables);
  if (measured.depth > limits.depth) {
    throw refuse(
      'QUERY_TOO_DEEP',
      `Query is too deep: ${measured.depth} levels, the limit is ${limits.depth}. Ask for fewer nested levels.`,
    );
  }
  if (measured.cost > limits.cost) {
    throw refuse(
      'QUERY_TOO_COSTLY',
      `Query is too costly: ${points(measured.cost)} points, the limit is ${limits.cost}. Ask for smaller pages (first) or fewer fields.`,
    );
  }
}
