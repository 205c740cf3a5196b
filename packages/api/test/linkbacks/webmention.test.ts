import { describe, expect, it } from 'vitest';
import type { IncomingPingRow } from '../../src/modules/linkbacks/entities.js';
import { SETTINGS } from '../../src/modules/linkbacks/messages.js';
import { html } from '../support/fixture-site.js';
import {
  approveAll,
  linkbackRows,
  publicLinkbacks,
  receivingLinkbacks,
  sendWebmention,
  setSetting,
  settledStatus,
  sourcePage,
  webmentionSettled,
} from '../support/linkbacks.js';
import { databaseKinds, TEST_PUBLIC_URL } from '../support/server.js';

describe.each(databaseKinds())('receiving linkbacks on %s', (kind) => {
  const env = receivingLinkbacks(kind);
  const { newPost, servePage } = env;

  describe('Webmention', () => {
    it('queues, verifies, and records a webmention as PENDING; shows it with its author once approved', async () => {
      const { post, url } = await newPost();
      const source = servePage(
        sourcePage({
          title: 'A reply',
          targets: [url],
          entry: {
            classes: 'u-in-reply-to',
            author:
              '<div class="p-author h-card"><img class="u-photo" src="https://alice.example/me.jpg" alt=""><a class="p-name u-url" href="https://alice.example/">Alice <em>Example</em></a></div>',
          },
        }),
      );
      const answer = await sendWebmention(env.server, { source, target: url });
      expect(answer.status).toBe(201);
      expect(answer.location).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/webmention/status/[\\w-]+$`));
      const status = await settledStatus(env.server, answer.location!);
      expect(status).toMatchObject({ status: 'accepted', result: 'created', source, target: url });

      const [row] = await linkbackRows(env.server.db, post.id);
      expect(row).toMatchObject({
        kind: 'WEBMENTION',
        status: 'PENDING',
        mentionType: 'REPLY',
        authorName: 'Alice Example',
        authorUrl: 'https://alice.example/',
        authorPhoto: 'https://alice.example/me.jpg',
      });
      expect(await publicLinkbacks(env.server, post.slug)).toEqual([]);
      await approveAll(env.server.db, post.id);
      const [shown] = await publicLinkbacks(env.server, post.slug);
      expect(shown).toMatchObject({
        kind: 'WEBMENTION',
        mentionType: 'REPLY',
        title: 'A reply',
        author: {
          name: 'Alice Example',
          url: 'https://alice.example/',
          photo: 'https://alice.example/me.jpg',
        },
      });
    });

    it('tells likes and reposts from mentions', async () => {
      const { post, url } = await newPost();
      const like = servePage(sourcePage({ targets: [url], entry: { classes: 'u-like-of' } }));
      const repost = servePage(sourcePage({ targets: [url], entry: { classes: 'u-repost-of' } }));
      const mention = servePage(sourcePage({ targets: [url], entry: {} }));
      for (const source of [like, repost, mention]) {
        expect((await webmentionSettled(env.server, source, url)).status).toBe('accepted');
      }
      const rows = await linkbackRows(env.server.db, post.id);
      expect(rows.map((r) => [r.sourceUrl, r.mentionType])).toEqual([
        [like, 'LIKE'],
        [repost, 'REPOST'],
        [mention, 'MENTION'],
      ]);
    });

    it('keeps extracted text plain and author URLs http(s) only', async () => {
      const { post, url } = await newPost();
      const source = servePage(
        sourcePage({
          title: 'Hi &lt;script&gt;alert(1)&lt;/script&gt;',
          targets: [url],
          entry: {
            author:
              '<a class="p-author h-card" href="javascript:alert(1)"><img class="u-photo" src="data:image/png;base64,AA" alt="">Mallory</a>',
          },
        }),
      );
      expect((await webmentionSettled(env.server, source, url)).status).toBe('accepted');
      const [row] = await linkbackRows(env.server.db, post.id);
      expect(row).toMatchObject({
        title: 'Hi <script>alert(1)</script>',
        authorName: 'Mallory',
        authorUrl: null,
        authorPhoto: null,
      });
    });

    it('updates the stored mention when the same source pings again', async () => {
      const { post, url } = await newPost();
      const path = '/evolving';
      env.site.route(path, html(sourcePage({ title: 'First draft', targets: [url] })));
      const source = `${env.site.origin}${path}`;
      expect(await webmentionSettled(env.server, source, url)).toMatchObject({ result: 'created' });
      await approveAll(env.server.db, post.id);

      env.site.route(
        path,
        html(sourcePage({ title: 'Second draft', targets: [url], before: 'Now I really read' })),
      );
      expect(await webmentionSettled(env.server, source, url)).toMatchObject({
        status: 'accepted',
        result: 'updated',
      });
      const rows = await linkbackRows(env.server.db, post.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ title: 'Second draft', status: 'APPROVED' });
      expect(rows[0]!.updatedAt).toBeInstanceOf(Date);
      const [shown] = await publicLinkbacks(env.server, post.slug);
      expect(shown!.title).toBe('Second draft');
      expect(shown!.excerpt).toContain('Now I really read');
    });

    it('removes the mention when the source answers 410 Gone', async () => {
      const { post, url } = await newPost();
      const path = '/to-be-deleted';
      env.site.route(path, html(sourcePage({ targets: [url] })));
      const source = `${env.site.origin}${path}`;
      await webmentionSettled(env.server, source, url);
      await approveAll(env.server.db, post.id);
      expect(await publicLinkbacks(env.server, post.slug)).toHaveLength(1);

      env.site.route(path, { status: 410, body: 'gone' });
      const status = await webmentionSettled(env.server, source, url);
      expect(status).toMatchObject({ status: 'accepted', result: 'deleted' });
      expect(status.reason).toMatch(/410/);
      expect(await linkbackRows(env.server.db, post.id)).toEqual([]);
      expect(await publicLinkbacks(env.server, post.slug)).toEqual([]);
    });

    it('removes the mention when the source no longer links to the target', async () => {
      const { post, url } = await newPost();
      const path = '/unlinked-later';
      env.site.route(path, html(sourcePage({ targets: [url] })));
      const source = `${env.site.origin}${path}`;
      await webmentionSettled(env.server, source, url);
      env.site.route(path, html(sourcePage({ targets: ['https://elsewhere.example/'] })));
      expect(await webmentionSettled(env.server, source, url)).toMatchObject({ result: 'deleted' });
      expect(await linkbackRows(env.server.db, post.id)).toEqual([]);
    });

    it('rejects a source that does not link, with the reason on the status URL', async () => {
      const { post, url } = await newPost();
      const source = servePage(sourcePage({ targets: [`${url}-other`] }));
      const status = await webmentionSettled(env.server, source, url);
      expect(status).toMatchObject({
        status: 'rejected',
        result: null,
        reason: 'The source does not link to the target.',
      });
      expect(await linkbackRows(env.server.db, post.id)).toEqual([]);
    });

    it('accepts links from JSON and plain-text sources', async () => {
      const { post, url } = await newPost();
      const json = servePage((path) =>
        env.site.route(path, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'JSON note', links: [{ href: url }] }),
        }),
      );
      const text = servePage((path) =>
        env.site.route(path, {
          headers: { 'content-type': 'text/plain' },
          body: `See ${url} for more.`,
        }),
      );
      expect((await webmentionSettled(env.server, json, url)).status).toBe('accepted');
      expect((await webmentionSettled(env.server, text, url)).status).toBe('accepted');
      const rows = await linkbackRows(env.server.db, post.id);
      expect(rows.map((r) => [r.title, r.excerpt])).toEqual([
        ['JSON note', null],
        [null, `See ${url} for more.`],
      ]);
    });

    it('does not count a link that only appears inside an HTML comment or a script', async () => {
      const { url } = await newPost();
      const source = servePage(
        `<html><body><!-- <a href="${url}">hidden</a> --><script>var u = "${url}";</script><p>nothing</p></body></html>`,
      );
      expect((await webmentionSettled(env.server, source, url)).status).toBe('rejected');
    });

    it('answers 400 with a plain-text reason for each synchronous check', async () => {
      const { url } = await newPost();
      const closed = await newPost({ pingsOpen: false });
      const draft = await newPost({ status: 'DRAFT' });
      const source = `${env.site.origin}/anything`;
      const cases: [Record<string, string>, string, string][] = [
        [
          { source, target: url },
          'application/json',
          'The content type must be application/x-www-form-urlencoded.',
        ],
        [{ target: url }, 'application/x-www-form-urlencoded', 'The source parameter is required.'],
        [{ source }, 'application/x-www-form-urlencoded', 'The target parameter is required.'],
        [
          { source: 'ftp://x.example/', target: url },
          'application/x-www-form-urlencoded',
          'The source must be an http:// or https:// URL.',
        ],
        [
          { source, target: 'mailto:me@example.org' },
          'application/x-www-form-urlencoded',
          'The target must be an http:// or https:// URL.',
        ],
        [
          { source: url, target: url },
          'application/x-www-form-urlencoded',
          'The source and the target are the same URL.',
        ],
        [
          { source, target: 'https://elsewhere.example/posts/x' },
          'application/x-www-form-urlencoded',
          'The target is not a published post of this site.',
        ],
        [
          { source, target: `${TEST_PUBLIC_URL}/posts/nope` },
          'application/x-www-form-urlencoded',
          'The target is not a published post of this site.',
        ],
        [
          { source, target: draft.url },
          'application/x-www-form-urlencoded',
          'The target is not a published post of this site.',
        ],
        [
          { source, target: closed.url },
          'application/x-www-form-urlencoded',
          'Pings are closed on this post.',
        ],
      ];
      const before = await env.server.repo<IncomingPingRow>('IncomingPing').count();
      for (const [fields, contentType, reason] of cases) {
        const answer = await sendWebmention(env.server, fields, contentType);
        expect(answer.status, reason).toBe(400);
        expect(answer.text).toBe(`${reason}\n`);
      }
      expect(await env.server.repo<IncomingPingRow>('IncomingPing').count()).toBe(before);
    });

    it('answers 429 once a host has sent its hourly share', async () => {
      const { url } = await newPost();
      const recent = await env.server.repo<IncomingPingRow>('IncomingPing').countBy({
        sourceHost: '127.0.0.1',
      });
      await setSetting(env.server.db, SETTINGS.maxPerHostPerHour, String(recent));
      const answer = await sendWebmention(env.server, {
        source: `${env.site.origin}/x`,
        target: url,
      });
      expect(answer.status).toBe(429);
      expect(answer.text).toBe('Too many pings from this host; try again later.\n');
    });

    it('answers 404 for unknown status URLs and 405 for GET on the endpoint', async () => {
      expect((await fetch(`${env.server.url}/webmention/status/unknown-token-123`)).status).toBe(
        404,
      );
      expect((await fetch(`${env.server.url}/webmention`)).status).toBe(405);
    });

    it('follows a source that redirects, but not to a private address', async () => {
      const { post, url } = await newPost();
      const moved = servePage(sourcePage({ title: 'Moved here', targets: [url] }));
      const redirecting = servePage((path) =>
        env.site.route(path, { status: 301, headers: { location: new URL(moved).pathname } }),
      );
      const toPrivate = servePage((path) =>
        env.site.route(path, { status: 302, headers: { location: 'http://10.0.0.1/internal' } }),
      );
      expect(await webmentionSettled(env.server, redirecting, url)).toMatchObject({
        status: 'accepted',
      });
      const refused = await webmentionSettled(env.server, toPrivate, url);
      expect(refused.status).toBe('rejected');
      expect(refused.reason).toContain('EFORBIDDENADDRESS');
      const rows = await linkbackRows(env.server.db, post.id);
      expect(rows.map((r) => [r.sourceUrl, r.title])).toEqual([[redirecting, 'Moved here']]);
    });

    it('rejects an oversized source whose link comes after the first megabyte', async () => {
      const { url } = await newPost();
      const source = servePage(
        `<html><body><p>${'x'.repeat(1_200_000)}</p><a href="${url}">late link</a></body></html>`,
      );
      expect(await webmentionSettled(env.server, source, url)).toMatchObject({
        status: 'rejected',
        reason: 'The source does not link to the target.',
      });
    });

    // Retried later (webmention-retries.test.ts follows it to the rejection).
    it('gives up on a source that stalls within the fetch time limit, to try again', async () => {
      const { url } = await newPost();
      const source = servePage((path) =>
        env.site.route(path, (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.write(`<html><body><a href="${url}">a link, and then nothing more`);
        }),
      );
      const status = await webmentionSettled(env.server, source, url);
      expect(status.status).toBe('retrying');
      expect(status.reason).toBe(
        'The source could not be fetched: no complete answer within 8 s. Trying again later (attempt 1 failed).',
      );
    });
  });
});
