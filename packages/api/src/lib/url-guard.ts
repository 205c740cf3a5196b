import type { FastifyInstance } from 'fastify';

// A percent-encoded NUL (%00) has no use in any of our URLs, and once decoded
// it fails PostgreSQL statements ("invalid byte sequence"). Refused for every
// route before routing, so no handler sees one.
const ENCODED_NUL = /%00/;

/** Answers 400 to any request whose URL (path or query) holds an encoded NUL. */
export function refuseNulInUrls(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!ENCODED_NUL.test(req.url)) return;
    const message = 'The URL contains a NUL character (%00), which is not allowed.';
    if (req.url.split('?')[0] === '/graphql') {
      // GraphQL clients read errors in GraphQL's shape.
      return reply
        .code(400)
        .send({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    return reply.code(400).type('text/plain; charset=utf-8').send(`${message}\n`);
  });
}
