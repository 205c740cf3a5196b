interface ErrorWithCodes {
  graphQLErrors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
  networkError?: { result?: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } };
}

/**
 * True when the API refused the request's input (BAD_USER_INPUT), such as a
 * made-up page cursor in the address: the address is wrong, not the server.
 * In-process (server rendering) the error comes as a GraphQL error; over
 * HTTP, as the 400 answer's body.
 */
export function isBadUserInput(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { graphQLErrors = [], networkError } = error as ErrorWithCodes;
  const errors = [...graphQLErrors, ...(networkError?.result?.errors ?? [])];
  return errors.some((e) => e.extensions?.code === 'BAD_USER_INPUT');
}
