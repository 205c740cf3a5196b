// Colloquy behind a real reverse proxy (Debian's nginx, started from a temp
// directory). The visitors are real sockets from distinct loopback addresses
// (127.0.0.2, 127.0.0.3, …: Linux routes all of 127.0.0.0/8 to the loopback
// interface), so nginx sees two clients and appends each one's address to
// X-Forwarded-For with the stock `$proxy_add_x_forwarded_for`, as a site's
// configuration would. nginx itself reaches Colloquy from 127.0.0.1, the one
// address TRUST_PROXY names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDiscussionSettings } from '../support/fixtures.js';
import { signedInUser } from '../support/editorial.js';
import {
  findNginx,
  graphqlFrom,
  requestFrom,
  startNginx,
  type ReverseProxy,
} from '../support/nginx.js';
import { commentForm, formValues, parsePage } from '../support/html.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

const nginx = findNginx();

const SUBMIT = `mutation($input: SubmitCommentInput!) {
  submitComment(input: $input) { status errors { code } }
}`;
const SIGN_IN = `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { errors { code } } }`;

interface Submitted {
  submitComment: { status: string | null; errors: { code: string }[] };
}

/** A site with its nginx in front, and an admin who reads commenters' IP addresses. */
interface Site {
  server: TestServer;
  proxy: ReverseProxy;
  adminToken: string;
}

describe.skipIf(!nginx).each(databaseKinds())('Colloquy behind nginx on %s', (kind) => {
  let trusting: Site; // TRUST_PROXY=127.0.0.1
  let untrusting: Site; // TRUST_PROXY unset: the default

  let forwarding: Site; // TRUST_PROXY=127.0.0.1, behind an nginx that sends RFC 7239 Forwarded only

  async function site(
    env: Record<string, string>,
    style: 'x-forwarded' | 'forwarded' = 'x-forwarded',
  ): Promise<Site> {
    const server = await startServer(kind, { env });
    // An hour between comments from one email or one IP address.
    await setDiscussionSettings(server.db, { minSecondsBetweenComments: 3600 });
    const { token } = await signedInUser(server, 'admin@example.org', 'ADMIN');
    const proxy = await startNginx(nginx!, server.url, style);
    return { server, proxy, adminToken: token };
  }

  beforeAll(async () => {
    trusting = await site({ TRUST_PROXY: '127.0.0.1' });
    untrusting = await site({});
    forwarding = await site({ TRUST_PROXY: '127.0.0.1' }, 'forwarded');
  }, 90_000);
  afterAll(async () => {
    for (const s of [trusting, untrusting, forwarding]) {
      await s?.proxy.close();
      await s?.server.close();
    }
  });

  /** A comment submitted from `from` to `base` (the proxy or the server itself). */
  async function submit(
    from: string,
    base: string,
    email: string,
    headers: Record<string, string> = {},
  ): Promise<string[]> {
    const res = await graphqlFrom<Submitted>(
      from,
      base,
      SUBMIT,
      {
        input: { postId: '1', authorName: 'Visitor', authorEmail: email, content: `from ${email}` },
      },
      headers,
    );
    expect(res.status, res.raw).toBe(200);
    return res.data!.submitComment.errors.map((e) => e.code);
  }

  /** The IP address stored with the comment by `email`, as an ADMIN reads it. */
  async function storedIp({ server, adminToken }: Site, email: string): Promise<string | null> {
    const res = await server.gqlAs<{
      comments: { edges: { node: { authorEmail: string; ip: string | null } }[] };
    }>(adminToken, `{ comments(search: "${email}") { edges { node { authorEmail ip } } } }`);
    const nodes = res.data!.comments.edges.map((e) => e.node);
    expect(nodes.map((n) => n.authorEmail)).toEqual([email]);
    return nodes[0]!.ip;
  }

  it('gives two visitors behind the proxy a comment interval each', async () => {
    const { proxy } = trusting;
    expect(await submit('127.0.0.2', proxy.url, 'a1@example.net')).toEqual([]);
    // The same visitor under another email: refused by the per-IP interval…
    expect(await submit('127.0.0.2', proxy.url, 'a2@example.net')).toEqual(['RATE_LIMITED']);
    // …while the other visitor, through the same proxy, is not.
    expect(await submit('127.0.0.3', proxy.url, 'b1@example.net')).toEqual([]);
    expect(await storedIp(trusting, 'a1@example.net')).toBe('127.0.0.2');
    expect(await storedIp(trusting, 'b1@example.net')).toBe('127.0.0.3');
  });

  it('reads the visitor from a trusted proxy that sends RFC 7239 Forwarded, and ignores a forged one', async () => {
    expect(await submit('127.0.0.2', forwarding.proxy.url, 'fa1@example.net')).toEqual([]);
    expect(await submit('127.0.0.2', forwarding.proxy.url, 'fa2@example.net')).toEqual([
      'RATE_LIMITED',
    ]);
    expect(await submit('127.0.0.3', forwarding.proxy.url, 'fb1@example.net')).toEqual([]);
    expect(await storedIp(forwarding, 'fa1@example.net')).toBe('127.0.0.2');
    expect(await storedIp(forwarding, 'fb1@example.net')).toBe('127.0.0.3');
    // Straight to the server from an address it does not trust: the header is the visitor's word.
    const forged = { forwarded: 'for=203.0.113.9;proto=https;host="evil.example"' };
    expect(await submit('127.0.0.4', forwarding.server.url, 'fc@example.net', forged)).toEqual([]);
    expect(await storedIp(forwarding, 'fc@example.net')).toBe('127.0.0.4');
  });

  it('without TRUST_PROXY, every visitor behind the proxy is the proxy (one interval for all)', async () => {
    const { proxy } = untrusting;
    expect(await submit('127.0.0.2', proxy.url, 'a1@example.net')).toEqual([]);
    expect(await submit('127.0.0.3', proxy.url, 'b1@example.net')).toEqual(['RATE_LIMITED']);
    expect(await storedIp(untrusting, 'a1@example.net')).toBe('127.0.0.1');
  });

  it('ignores an X-Forwarded-For that does not come from a trusted proxy', async () => {
    const forged = { 'x-forwarded-for': '198.51.100.7' };
    // Straight to the server, from an address TRUST_PROXY does not name.
    expect(await submit('127.0.0.5', trusting.server.url, 'direct@example.net', forged)).toEqual(
      [],
    );
    expect(await storedIp(trusting, 'direct@example.net')).toBe('127.0.0.5');
    // Through nginx, which appends the real client: only the proxy's own entry is believed.
    expect(await submit('127.0.0.6', trusting.proxy.url, 'through@example.net', forged)).toEqual(
      [],
    );
    expect(await storedIp(trusting, 'through@example.net')).toBe('127.0.0.6');
    // No TRUST_PROXY: no peer is believed.
    expect(
      await submit('127.0.0.9', untrusting.server.url, 'untrusted@example.net', forged),
    ).toEqual([]);
    expect(await storedIp(untrusting, 'untrusted@example.net')).toBe('127.0.0.9');
  });

  it("logs a request under nginx's $request_id, and a visitor's own X-Request-Id under none", async () => {
    const { proxy } = trusting;
    const res = await requestFrom('127.0.0.2', `${proxy.url}/healthz`, {
      headers: { 'x-request-id': 'chosen-by-visitor' },
    });
    expect(res.status).toBe(200);
    const id = res.headers['x-request-id'];
    // nginx replaced the visitor's header with its own id, which Colloquy kept and echoed.
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(proxy.accessLog()).toContain(`${id as string} 127.0.0.2 "GET /healthz HTTP/1.1" 200`);
    // Straight to Colloquy, the visitor's header is not believed either.
    const direct = await requestFrom('127.0.0.2', `${trusting.server.url}/healthz`, {
      headers: { 'x-request-id': 'chosen-by-visitor' },
    });
    expect(direct.headers['x-request-id']).not.toBe('chosen-by-visitor');
    // Behind a proxy that is not trusted, nginx's id is not believed.
    const untrusted = await requestFrom('127.0.0.2', `${untrusting.proxy.url}/healthz`);
    expect(untrusted.headers['x-request-id']).not.toMatch(/^[0-9a-f]{32}$/);
    expect(untrusting.proxy.accessLog()).not.toContain(untrusted.headers['x-request-id'] as string);
  });

  it("takes the site's scheme and host from a trusted proxy: the no-JavaScript form is same-site", async () => {
    /** The comment form posted through `proxy` from its own page, as a browser there would. */
    const postForm = async ({ proxy }: Site, from: string, email: string) => {
      const got = await requestFrom(from, `${proxy.url}/posts/${SLUG}`);
      const page = parsePage(got.status, new Headers(), got.body);
      const fields = {
        ...formValues(commentForm(page)),
        authorName: 'Form',
        authorEmail: email,
        content: 'Sent without JavaScript',
      };
      return requestFrom(from, `${proxy.url}/posts/${SLUG}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          origin: proxy.url,
        },
        body: new URLSearchParams(fields).toString(),
      });
    };
    // Trusted: Origin matches X-Forwarded-Proto://X-Forwarded-Host; stored (303), under the visitor's address.
    expect((await postForm(trusting, '127.0.0.10', 'form@example.net')).status).toBe(303);
    expect(await storedIp(trusting, 'form@example.net')).toBe('127.0.0.10');
    // Not trusted: the request is for the upstream's address, so the Origin looks like another site's.
    expect((await postForm(untrusting, '127.0.0.10', 'form@example.net')).status).toBe(403);
  });

  it('throttles sign-in attempts per visitor, not per proxy', async () => {
    const { proxy } = trusting;
    const attempt = async (from: string, n: number) => {
      const res = await graphqlFrom<{ signIn: { errors: { code: string }[] } }>(
        from,
        proxy.url,
        SIGN_IN,
        // A new email each time: the per-email limit (5) is not what is tested.
        { e: `guess-${from}-${n}@example.net`, p: 'wrong password' },
      );
      return res.data!.signIn.errors.map((e) => e.code);
    };
    // 20 failures per IP address are free (AUTH.throttle.freeFailuresPerIp); then it waits.
    for (let n = 0; n < 20; n++)
      expect(await attempt('127.0.0.7', n)).toEqual(['INVALID_CREDENTIALS']);
    expect(await attempt('127.0.0.7', 20)).toEqual(['RATE_LIMITED']);
    expect(await attempt('127.0.0.8', 0)).toEqual(['INVALID_CREDENTIALS']);
  }, 60_000);
});
