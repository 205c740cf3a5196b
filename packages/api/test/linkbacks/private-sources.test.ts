import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPost } from '../support/fixtures.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import {
  linkbackRows,
  postUrl,
  sendPingback,
  sendTrackback,
  sourcePage,
  webmentionSettled,
} from '../support/linkbacks.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

describe.each(databaseKinds())(
  'receiving linkbacks without the test-only loopback setting on %s',
  (kind) => {
    let server: TestServer;
    let site: FixtureSite;
    beforeAll(async () => {
      server = await startServer(kind);
      site = await startFixtureSite();
    });
    afterAll(async () => {
      await site?.close();
      await server?.close();
    });

    it('never contacts loopback or private sources, whichever protocol names them', async () => {
      const post = await insertPost(server.db, { slug: 'ssrf' });
      const target = postUrl(post.slug);
      const port = new URL(site.origin).port;
      site.route('/', html(sourcePage({ targets: [target] })));

      for (const source of [
        `http://127.0.0.1:${port}/`,
        `http://localhost:${port}/`,
        `http://[::1]:${port}/`,
      ]) {
        const status = await webmentionSettled(server, source, target);
        expect(status.status, source).toBe('rejected');
        expect(status.reason).toContain('EFORBIDDENADDRESS');
        const pingback = await sendPingback(server, source, target);
        expect(pingback).toMatchObject({ ok: false, faultCode: 16 });
        expect(pingback.ok === false && pingback.faultString).toContain('EFORBIDDENADDRESS');
        const trackback = await sendTrackback(server, `/trackback/${post.id}`, { url: source });
        expect(trackback.error).toBe(1);
        expect(trackback.message).toContain('EFORBIDDENADDRESS');
      }
      // Refused before connecting: these are never sent any traffic.
      for (const source of ['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/']) {
        const status = await webmentionSettled(server, source, target);
        expect(status.reason, source).toContain('EFORBIDDENADDRESS');
        const pingback = await sendPingback(server, source, target);
        expect(pingback.ok === false && pingback.faultString).toContain('EFORBIDDENADDRESS');
      }
      expect(site.connections).toBe(0);
      expect(await linkbackRows(server.db, post.id)).toEqual([]);
    });
  },
);
