import {
  GraphQLError,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../lib/pagination.js';

export const MAX_DEPTH = 20;
export const MAX_COST = 10_000;

export interface QueryLimits {
  depth: number;
  cost: number;
}

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

/**
 * Measures an operation: depth counts nested fields; cost counts the fields
 * that may be resolved, multiplying a connection's selection by its page size.
 * `replies` is not multiplied: a thread is loaded whole in one statement and
 * its size bounds all reply levels together, so each level is counted once
 * per parent page rather than once per parent.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Variables,
): QueryLimits {
  let maxDepth = 0;
  const visit = (
    set: SelectionSetNode,
    depth: number,
    multiplier: number,
    seen: Set<string>,
  ): number => {
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        maxDepth = Math.max(maxDepth, depth);
        cost += multiplier;
        if (sel.selectionSet) {
          const first = firstArg(sel, variables);
          const childMultiplier =
            first === null || sel.name.value === 'replies'
              ? multiplier
              : multiplier * Math.max(first, 1);
          cost += visit(sel.selectionSet, depth + 1, childMultiplier, seen);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        cost += visit(sel.selectionSet, depth, multiplier, seen);
      } else {
        const fragment = fragments[sel.name.value];
        // A fragment spread inside itself is invalid GraphQL and caught by validation.
        if (fragment && !seen.has(fragment.name.value)) {
          cost += visit(
            fragment.selectionSet,
            depth,
            multiplier,
            new Set([...seen, fragment.name.value]),
          );
        }
      }
    }
    return cost;
  };
  const cost = visit(operation.selectionSet, 1, 1, new Set());
  return { depth: maxDepth, cost };
}

/** Throws a client error when the operation is deeper or costlier than allowed. */
export function enforceLimits(
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Variables,
  limits: QueryLimits = { depth: MAX_DEPTH, cost: MAX_COST },
): void {
  const measured = measureOperation(operation, fragments, variables);
  if (measured.depth > limits.depth) {
    throw new GraphQLError(
      `Query is too deep: ${measured.depth} levels, the limit is ${limits.depth}. Ask for fewer nested levels.`,
      { extensions: { code: 'QUERY_TOO_DEEP', http: { status: 400 } } },
    );
  }
  if (measured.cost > limits.cost) {
    throw new GraphQLError(
      `Query is too costly: ${measured.cost} points, the limit is ${limits.cost}. Ask for smaller pages (first) or fewer fields.`,
      { extensions: { code: 'QUERY_TOO_COSTLY', http: { status: 400 } } },
    );
  }
}
