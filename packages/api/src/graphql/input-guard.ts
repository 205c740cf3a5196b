import { GraphQLError, visit, type ASTNode, type DocumentNode } from 'graphql';

// PostgreSQL text cannot hold U+0000 (it fails the statement with "invalid
// byte sequence"), and no field of ours has a use for it. Such input is
// refused here, before anything runs, rather than in every service. The
// message names where the character is, never the value (it can be an email).

const NUL = '\u0000';

export const NUL_MESSAGE = 'contains a NUL character (U+0000), which is not allowed.';

function refuse(message: string, nodes?: ASTNode[]): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/** True when a JSON value (a string, or any key or string inside it) holds a NUL. Iterative: nesting cannot overflow the stack. */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes(NUL)) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        if (key.includes(NUL)) return true;
        stack.push(element);
      }
    }
  }
  return false;
}

/** A NUL in the query text: as itself, or written as the escape \u0000 in a string. */
// eslint-disable-next-line no-control-regex -- the NUL character is what it looks for
const NUL_IN_SOURCE = /\u0000|\\u0000/i;

/**
 * The first string literal holding a NUL of each document seen, or null.
 * Apollo hands every request with the same query text the same parsed
 * document (its document store), so a document is walked once, not on every
 * request; a document Apollo has let go is collected here too.
 */
const literals = new WeakMap<DocumentNode, ASTNode | null>();

function nulLiteral(document: DocumentNode, source?: string): ASTNode | null {
  let literal = literals.get(document);
  if (literal !== undefined) return literal;
  literal = null;
  // The text first: without a NUL in it, no literal can hold one.
  if (source === undefined || NUL_IN_SOURCE.test(source)) {
    visit(document, {
      StringValue: (node) => {
        if (!literal && node.value.includes(NUL)) literal = node;
      },
    });
  }
  literals.set(document, literal);
  return literal;
}

/**
 * Throws BAD_USER_INPUT (HTTP 400) when a string literal of the document, or
 * any variable value, holds a NUL character.
 */
export function rejectNulInput(
  document: DocumentNode,
  variables: Record<string, unknown>,
  source?: string,
): void {
  const literal = nulLiteral(document, source);
  if (literal) throw refuse(`A string in the query ${NUL_MESSAGE}`, [literal]);
  for (const [name, value] of Object.entries(variables)) {
    if (name.includes(NUL) || holdsNul(value)) {
      const shown = /^[_A-Za-z]\w*$/.test(name) ? `Variable "$${name}"` : 'A variable';
      throw refuse(`${shown} ${NUL_MESSAGE}`);
    }
  }
}
