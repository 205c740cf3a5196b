import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../lib/html.js';
import { decodeBytes } from '../../lib/remote/fetch.js';
import type { LinkbacksService } from './linkbacks.service.js';
import type { PostsService } from '../posts/posts.service.js';
import type { LinkbackReceiver } from './receiver.js';
import { messages } from './messages.js';
import { faultXml, parseMethodCall, responseXml, XMLRPC_FAULTS, XmlRpcError } from './xmlrpc.js';

function charsetOf(contentType: string | undefined): string | undefined {
  return /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
}

function isForm(contentType: string | undefined): boolean {
  return (
    (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded'
  );
}

/** Percent-decodes a form component to bytes (+ is a space). */
function formBytes(component: string): Buffer {
  const bytes: number[] = [];
  const text = component.replace(/\+/g, ' ');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[\da-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

/**
 * Parses an application/x-www-form-urlencoded body in the charset named by
 * the Content-Type header or, as Trackback 1.2 allows, a `charset` field
 * (UTF-8 otherwise). The first occurrence of a field wins.
 */
export function parseForm(body: Buffer, contentType: string | undefined): Record<string, string> {
  const pairs = body
    .toString('latin1')
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    }) as [string, string][];
  const charsetField = pairs.find(([k]) => formBytes(k).toString('latin1') === 'charset');
  const charset =
    charsetOf(contentType) ??
    (charsetField ? formBytes(charsetField[1]).toString('latin1') : undefined);
  const form: Record<string, string> = {};
  for (const [key, value] of pairs) {
    const name = decodeBytes(formBytes(key), charset);
    if (!(name in form)) form[name] = decodeBytes(formBytes(value), charset);
  }
  return form;
}

/** True when a decoded field name or value holds a NUL, which no field may (PostgreSQL text cannot). */
function holdsNul(form: Record<string, string>): boolean {
  return Object.entries(form).some(([k, v]) => k.includes('\u0000') || v.includes('\u0000'));
}

function trackbackXml(error?: string): string {
  const body = error
    ? `<error>1</error>\n<message>${escapeHtml(error)}</message>`
    : '<error>0</error>';
  return `<?xml version="1.0" encoding="utf-8"?>\n<response>\n${body}\n</response>\n`;
}

/** Methods other than POST on the ping endpoints (HEAD comes with GET; OPTIONS stays with CORS). */
const NOT_POST = ['GET', 'PUT', 'DELETE', 'PATCH'] as const;

function methodNotAllowed(_req: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(405)
    .header('allow', 'POST')
    .type('text/plain; charset=utf-8')
    .send('Use POST.\n');
}

/**
 * The linkback endpoints: POST /trackback/:postId, POST /xmlrpc (pingback),
 * POST /webmention and GET /webmention/status/:token. They live in their own
 * plugin scope so their raw-body parsing does not touch the rest of the app.
 */
export async function registerLinkbackRoutes(
  app: FastifyInstance,
  services: {
    linkbackReceiver: LinkbackReceiver;
    linkbacks: LinkbacksService;
    posts: PostsService;
  },
): Promise<void> {
  const receiver = services.linkbackReceiver;

  await app.register(async (scope) => {
    // The bodies are form fields or XML in a declared charset: parse them here, from the bytes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const bodyOf = (req: FastifyRequest) =>
      Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

    scope.post(
      '/trackback/:postId',
      async (req: FastifyRequest<{ Params: { postId: string } }>, reply) => {
        reply.type('text/xml; charset=utf-8');
        const form = isForm(req.headers['content-type'])
          ? parseForm(bodyOf(req), req.headers['content-type'])
          : {};
        if (holdsNul(form)) return reply.send(trackbackXml(messages.nulCharacter));
        try {
          const result = await receiver.trackback(req.params.postId, form);
          return reply.send(trackbackXml(result.ok ? undefined : result.message));
        } catch (error) {
          req.log.error({ err: error }, 'trackback failed');
          return reply.send(trackbackXml(messages.internal));
        }
      },
    );
    scope.route({ method: [...NOT_POST], url: '/trackback/:postId', handler: methodNotAllowed });

    scope.post('/xmlrpc', async (req, reply) => {
      reply.type('text/xml; charset=utf-8');
      const fault = (code: number, message: string) => reply.send(faultXml(code, message));
      let call;
      try {
        call = parseMethodCall(decodeBytes(bodyOf(req), charsetOf(req.headers['content-type'])));
      } catch (error) {
        if (!(error instanceof XmlRpcError)) throw error;
        return fault(error.faultCode, messages.malformedXml(error.message));
      }
      if (call.methodName !== 'pingback.ping') {
        return fault(XMLRPC_FAULTS.methodNotFound, messages.methodNotFound(call.methodName));
      }
      const [source, target] = call.params;
      if (call.params.length !== 2 || typeof source !== 'string' || typeof target !== 'string') {
        return fault(XMLRPC_FAULTS.invalidParams, messages.invalidParams);
      }
      try {
        const result = await receiver.pingback(source, target);
        return result.ok
          ? reply.send(responseXml(result.message))
          : fault(result.faultCode, result.message);
      } catch (error) {
        req.log.error({ err: error }, 'pingback failed');
        return fault(0, messages.internal);
      }
    });
    scope.route({ method: [...NOT_POST], url: '/xmlrpc', handler: methodNotAllowed });

    scope.post('/webmention', async (req, reply) => {
      reply.type('text/plain; charset=utf-8');
      if (!isForm(req.headers['content-type']))
        return reply.code(400).send(`${messages.contentType}\n`);
      const form = parseForm(bodyOf(req), req.headers['content-type']);
      if (holdsNul(form)) return reply.code(400).send(`${messages.nulCharacter}\n`);
      try {
        const result = await receiver.webmention(form.source, form.target);
        if (!result.ok) return reply.code(result.status).send(`${result.message}\n`);
        const location = services.linkbacks.statusUrl(result.token);
        return reply
          .code(201)
          .header('location', location)
          .send(`${messages.queued} Status: ${location}\n`);
      } catch (error) {
        req.log.error({ err: error }, 'webmention failed');
        return reply.code(500).send(`${messages.internal}\n`);
      }
    });
    scope.route({ method: [...NOT_POST], url: '/webmention', handler: methodNotAllowed });

    scope.get(
      '/webmention/status/:token',
      async (req: FastifyRequest<{ Params: { token: string } }>, reply) => {
        const status = await receiver.webmentionStatus(req.params.token);
        reply.header('cache-control', 'no-store');
        if (!status)
          return reply.code(404).send({ error: 'Not Found', message: 'No such webmention.' });
        return reply.send(status);
      },
    );
  });
}
