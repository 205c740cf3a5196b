import { describe, expect, it } from 'vitest';
import type { IncomingPingRow, LinkbackRow } from '../../src/modules/linkbacks/entities.js';
import { SETTINGS } from '../../src/modules/linkbacks/messages.js';
import {
  approveAll,
  callXmlRpc,
  linkbackRows,
  publicLinkbacks,
  receivingLinkbacks,
  sendPingback,
  setSetting,
  sourcePage,
} from '../support/linkbacks.js';
import { databaseKinds, TEST_PUBLIC_URL } from '../support/server.js';

describe.each(databaseKinds())('receiving linkbacks on %s', (kind) => {
  const env = receivingLinkbacks(kind);
  const { newPost, servePage } = env;

  describe('Pingback', () => {
    it('registers a verified pingback as PENDING and shows it once approved', async () => {
      const { post, url } = await newPost();
      const long = 'word '.repeat(60);
      const source = servePage(
        sourcePage({
          title: 'Pinging &amp; linking',
          targets: [url],
          before: `${long}I read`,
          after: `and ${long}`,
        }),
      );
      const answer = await sendPingback(env.server, source, url);
      expect(answer).toEqual({ ok: true, value: `Pingback from ${source} to ${url} registered.` });

      const [row] = await linkbackRows(env.server.db, post.id);
      expect(row).toMatchObject({
        kind: 'PINGBACK',
        status: 'PENDING',
        title: 'Pinging & linking',
        targetUrl: url,
      });
      // WordPress-style context: ~100 characters either side of the link, cut marks where cut.
      expect(row!.excerpt).toMatch(/^\[…\] (word )+I read this post and (word )+\[…\]$/);
      expect(row!.excerpt!.length).toBeLessThan(260);
      expect(await publicLinkbacks(env.server, post.slug)).toEqual([]);

      await approveAll(env.server.db, post.id);
      const [shown] = await publicLinkbacks(env.server, post.slug);
      expect(shown).toMatchObject({
        kind: 'PINGBACK',
        sourceUrl: source,
        title: 'Pinging & linking',
      });
    });

    it('answers with the pingback fault codes, storing nothing', async () => {
      const { post, url } = await newPost();
      const closed = await newPost({ pingsOpen: false });
      const draft = await newPost({ status: 'DRAFT' });
      const linking = servePage(sourcePage({ targets: [url, closed.url, draft.url] }));
      const notLinking = servePage(sourcePage({ targets: ['https://elsewhere.example/'] }));
      const failing = servePage((path) => env.site.route(path, { status: 500, body: 'oops' }));
      const cases: [string, string, number, RegExp][] = [
        [`${env.site.origin}/missing`, url, 16, /HTTP 404/],
        ['ftp://example.org/file', url, 16, /http/],
        [notLinking, url, 17, /does not link/],
        [linking, `${TEST_PUBLIC_URL}/posts/no-such-post`, 32, /not a published post/],
        [linking, draft.url, 32, /not a published post/],
        [linking, 'https://elsewhere.example/posts/x', 33, /not on this site/],
        [linking, closed.url, 33, /closed/],
        [failing, url, 50, /HTTP 500/],
        [url, url, 0, /same/],
      ];
      for (const [source, target, code, message] of cases) {
        const answer = await sendPingback(env.server, source, target);
        expect(answer, `${source} → ${target}`).toMatchObject({ ok: false, faultCode: code });
        expect(answer.ok === false && answer.faultString).toMatch(message);
      }
      for (const id of [post.id, closed.post.id, draft.post.id]) {
        expect(await linkbackRows(env.server.db, id)).toEqual([]);
      }
    });

    it('answers 48 for a pingback already registered', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [url] }));
      expect((await sendPingback(env.server, source, url)).ok).toBe(true);
      expect(await sendPingback(env.server, source, url)).toMatchObject({
        ok: false,
        faultCode: 48,
      });
      expect(await linkbackRows(env.server.db, post.id)).toHaveLength(1);
    });

    it('answers 49 once a host has sent its hourly share of pings', async () => {
      const { post, url } = await newPost();
      const recent = await env.server.repo<IncomingPingRow>('IncomingPing').countBy({
        sourceHost: '127.0.0.1',
      });
      await setSetting(env.server.db, SETTINGS.maxPerHostPerHour, String(recent + 1));
      const first = servePage(sourcePage({ targets: [url] }));
      const second = servePage(sourcePage({ targets: [url] }));
      expect((await sendPingback(env.server, first, url)).ok).toBe(true);
      expect(await sendPingback(env.server, second, url)).toMatchObject({
        ok: false,
        faultCode: 49,
      });
      expect(await linkbackRows(env.server.db, post.id)).toHaveLength(1);
    });

    it('approves verified pingbacks at once when auto-approve is on', async () => {
      const { post, url } = await newPost();
      await setSetting(env.server.db, SETTINGS.autoApprove, 'true');
      const source = servePage(sourcePage({ title: 'Auto', targets: [url] }));
      expect((await sendPingback(env.server, source, url)).ok).toBe(true);
      expect((await publicLinkbacks(env.server, post.slug)).map((l) => l.title)).toEqual(['Auto']);
    });

    it('answers XML-RPC faults for malformed calls, unknown methods and wrong parameters', async () => {
      const post = async (body: string) => {
        const res = await fetch(`${env.server.url}/xmlrpc`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
        const text = await res.text();
        return Number(/<name>faultCode<\/name>\s*<value><int>(-?\d+)<\/int>/.exec(text)?.[1]);
      };
      expect(await post('<methodCall><methodName>pingback.ping</methodName>')).toBe(-32700);
      expect(await post('not xml at all <<<')).toBe(-32700);
      expect(
        await post(
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><methodCall><methodName>pingback.ping</methodName></methodCall>',
        ),
      ).toBe(-32700);
      expect(await post('<methodResponse/>')).toBe(-32600);
      expect(await callXmlRpc(env.server, 'system.shutdown', [])).toMatchObject({
        ok: false,
        faultCode: -32601,
      });
      expect(await callXmlRpc(env.server, 'pingback.ping', ['only one'])).toMatchObject({
        ok: false,
        faultCode: -32602,
      });
      expect(await callXmlRpc(env.server, 'pingback.ping', [1, 2])).toMatchObject({
        ok: false,
        faultCode: -32602,
      });
    });

    it('answers GET with 405', async () => {
      const res = await fetch(`${env.server.url}/xmlrpc`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    });
  });

  describe('moderation services (for the editorial API)', () => {
    it('lists linkbacks by status and sets a status', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [url] }));
      expect((await sendPingback(env.server, source, url)).ok).toBe(true);
      const { linkbacks } = env.server.app.services;
      const pending = await linkbacks.listByStatus('PENDING', { first: 100 });
      const mine = pending.edges.find((e) => e.node.sourceUrl === source);
      expect(mine).toBeDefined();
      expect(pending.totalCount).toBeGreaterThanOrEqual(1);

      const approved = await linkbacks.setStatus(mine!.node.id, 'APPROVED');
      expect(approved).toMatchObject({ id: mine!.node.id, status: 'APPROVED' });
      expect((await publicLinkbacks(env.server, post.slug)).map((l) => l.sourceUrl)).toEqual([
        source,
      ]);
      expect(await linkbacks.setStatus(999_999, 'APPROVED')).toBeNull();
      const rows = await env.server.repo<LinkbackRow>('Linkback').findBy({ postId: post.id });
      expect(rows.map((r) => r.status)).toEqual(['APPROVED']);
    });
  });
});
