import {
  Kind,
  type DirectiveNode,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../lib/pagination.js';

/** Levels of replies looked ahead at most (the query depth limit stops deeper queries anyway). */
const MAX_LEVELS = 20;

/**
 * The page sizes of the nested `replies` that the query asks for below a
 * comment connection (`Post.comments`), level by level: [n] for
 * `edges { node { replies(first: n) } }`, [n, m] when those replies ask for
 * `replies(first: m)` in turn, and so on. Follows fragments and variables;
 * where one level asks for `replies` more than once, the largest page
 * counts. A `replies` with `after` (a later page) or a page size the
 * resolver refuses is left out: those are read by the per-level loader, and
 * the resolver reports the error. The thread's page is then read in one
 * statement with all these levels (CommentThreadsService.threadPage).
 */
export function replyPageSizes(info: GraphQLResolveInfo): number[] {
  const variables = info.variableValues;
  const fieldsNamed = (sets: readonly SelectionSetNode[], name: string): FieldNode[] => {
    const found: FieldNode[] = [];
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (!included(selection, variables)) continue;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === name) found.push(selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet);
        } else {
          const fragment = info.fragments[selection.name.value];
          // Each fragment once per level: validation refuses cycles, this bounds the walk regardless.
          if (fragment && !seen.has(fragment.name.value)) {
            seen.add(fragment.name.value);
            walk(fragment.selectionSet);
          }
        }
      }
    };
    for (const set of sets) walk(set);
    return found;
  };
  const below = (sets: readonly SelectionSetNode[], name: string): SelectionSetNode[] =>
    fieldsNamed(sets, name).flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));

  const sizes: number[] = [];
  let connections = info.fieldNodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  while (connections.length > 0 && sizes.length < MAX_LEVELS) {
    const nodes = below(below(connections, 'edges'), 'node');
    let size = -1;
    const next: SelectionSetNode[] = [];
    for (const replies of fieldsNamed(nodes, 'replies')) {
      const arg = (name: string) => {
        const node = replies.arguments?.find((a) => a.name.value === name);
        return node ? valueOf(node.value, variables) : undefined;
      };
      if (arg('after') != null) continue;
      const first = arg('first') ?? DEFAULT_PAGE_SIZE;
      if (
        typeof first !== 'number' ||
        !Number.isInteger(first) ||
        first < 0 ||
        first > MAX_PAGE_SIZE
      )
        continue;
      size = Math.max(size, first);
      if (replies.selectionSet) next.push(replies.selectionSet);
    }
    if (size < 0) break;
    sizes.push(size);
    connections = next;
  }
  return sizes;
}

// By hand rather than with graphql-js's getArgumentValues and getDirectiveValues:
// those check the schema's types with instanceof, which fails where the schema was
// built by another copy of the graphql package (as under the test runner).

/** A literal or variable argument value; undefined for what a page size or cursor cannot be. */
function valueOf(node: ValueNode, variables: GraphQLResolveInfo['variableValues']): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.STRING:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

/** False for a selection that @skip or @include leaves out. */
function included(node: SelectionNode, variables: GraphQLResolveInfo['variableValues']): boolean {
  const condition = (directive: DirectiveNode | undefined) => {
    const arg = directive?.arguments?.find((a) => a.name.value === 'if');
    return arg ? valueOf(arg.value, variables) : undefined;
  };
  const directives = node.directives ?? [];
  if (condition(directives.find((d) => d.name.value === 'skip')) === true) return false;
  if (condition(directives.find((d) => d.name.value === 'include')) === false) return false;
  return true;
}
