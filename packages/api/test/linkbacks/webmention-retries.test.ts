import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkbackRow } from '../../src/modules/linkbacks/entities.js';
import { SETTINGS } from '../../src/modules/linkbacks/messages.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import { insertPost } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import {
  linkbackRows,
  LOOPBACK_ENV,
  postUrl,
  sendWebmention,
  setSetting,
  sourcePage,
  type WebmentionStatusBody,
} from '../support/linkbacks.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

// A webmention whose source is unavailable for a while (timeouts, 5xx,
// connection trouble) is tried again with the job queue's back-off before it
// is rejected; other failures are final at once.

const ATTEMPTS = 3;

describe.each(databaseKinds())('webmention retries on %s', (kind) => {
  let server: TestServer;
  let site: FixtureSite;
  let posts = 0;
  let pages = 0;
  /** Responses held open by the source that never answers, ended when the test closes. */
  const hanging: ServerResponse[] = [];

  beforeAll(async () => {
    server = await startServer(kind, {
      env: LOOPBACK_ENV,
      configure: (c) => {
        c.jobs.retryBaseMs = 50;
        c.jobs.maxAttempts = ATTEMPTS;
        c.remoteFetch.timeoutMs = 300;
      },
    });
    site = await startFixtureSite();
    await setSetting(server.db, SETTINGS.maxPerHostPerHour, '10000');
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await site?.close();
    await server?.close();
  });

  async function newPost() {
    const post = await insertPost(server.db, { slug: `retried-${++posts}` });
    return { post, url: postUrl(post.slug) };
  }

  const statusOf = async (location: string) =>
    (await (
      await fetch(`${server.url}${new URL(location).pathname}`)
    ).json()) as WebmentionStatusBody;

  /** Sends a webmention (201) and waits for its status to be final. */
  async function mention(source: string, target: string): Promise<WebmentionStatusBody> {
    const answer = await sendWebmention(server, { source, target });
    expect(answer.status, answer.text).toBe(201);
    let body: WebmentionStatusBody | undefined;
    await eventually(`webmention from ${source} to be settled`, async () => {
      body = await statusOf(answer.location!);
      return body.status === 'accepted' || body.status === 'rejected';
    });
    return body!;
  }

  const requestsTo = (source: string) =>
    site.requests.filter((r) => r.path === new URL(source).pathname).length;

  it('verifies a source that answers 503 twice, then the page; the status says it is retrying meanwhile', async () => {
    const { post, url } = await newPost();
    const path = `/flaky-${++pages}`;
    const source = `${site.origin}${path}`;
    let location = '';
    const seenWhileFailing: string[] = [];
    let tries = 0;
    site.route(path, (_req, res) => {
      tries++;
      if (tries > 2) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(sourcePage({ title: 'Back again', targets: [url] }));
      }
      // What a client reading the status URL sees while the source is failing (once the
      // test has the URL: the first try may come before the 201 is read).
      const read = async (): Promise<WebmentionStatusBody> => {
        while (!location) await new Promise((resolve) => setTimeout(resolve, 10));
        return statusOf(location);
      };
      void read().then((body) => {
        seenWhileFailing.push(`${body.status}: ${body.reason}`);
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('Down for maintenance');
      });
    });
    const answer = await sendWebmention(server, { source, target: url });
    expect(answer.status, answer.text).toBe(201);
    location = answer.location!;
    let body: WebmentionStatusBody | undefined;
    await eventually('the flaky source to be verified', async () => {
      body = await statusOf(location);
      return body.status === 'accepted' || body.status === 'rejected';
    });
    expect(body).toMatchObject({ status: 'accepted', result: 'created' });
    expect(seenWhileFailing).toEqual([
      'queued: The webmention is queued for verification.',
      'retrying: The source answered HTTP 503. Trying again later (attempt 1 failed).',
    ]);
    expect(tries).toBe(3);
    // Pending moderation, as any verified webmention (auto-approve is off).
    const rows: LinkbackRow[] = await linkbackRows(server.db, post.id);
    expect(rows.map((r) => [r.sourceUrl, r.status, r.title])).toEqual([
      [source, 'PENDING', 'Back again'],
    ]);
  });

  it('rejects a source that always times out after the configured attempts', async () => {
    const { post, url } = await newPost();
    const path = `/silent-${++pages}`;
    const source = `${site.origin}${path}`;
    // Headers, then nothing: the whole exchange runs into the fetch deadline.
    site.route(path, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><p>');
      hanging.push(res);
    });
    const body = await mention(source, url);
    expect(body.status).toBe('rejected');
    expect(body.reason).toBe(
      `The source could not be fetched: no complete answer within 0.3 s. Gave up after ${ATTEMPTS} attempts.`,
    );
    expect(requestsTo(source)).toBe(ATTEMPTS);
    expect(await linkbackRows(server.db, post.id)).toEqual([]);
  });

  it('rejects a source that cannot be connected to after the configured attempts', async () => {
    const { url } = await newPost();
    // A port nobody listens on: the fixture site's, once it is closed.
    const closed = await startFixtureSite();
    const source = `${closed.origin}/gone-away`;
    await closed.close();
    const body = await mention(source, url);
    expect(body).toMatchObject({
      status: 'rejected',
      reason: `The source could not be fetched: the connection was refused. Gave up after ${ATTEMPTS} attempts.`,
    });
  });

  it.each([
    [404, 'The source answered HTTP 404.'],
    [410, 'The source is gone (410).'],
    [403, 'The source answered HTTP 403.'],
  ])('rejects a source that answers %i at once', async (status, reason) => {
    const { url } = await newPost();
    const path = `/status-${status}-${++pages}`;
    const source = `${site.origin}${path}`;
    site.route(path, { status, body: 'no' });
    expect(await mention(source, url)).toMatchObject({ status: 'rejected', reason });
    expect(requestsTo(source)).toBe(1);
  });

  it('rejects a source that does not link to the target at once', async () => {
    const { url } = await newPost();
    const path = `/unlinked-${++pages}`;
    const source = `${site.origin}${path}`;
    site.route(path, html('<p>Nothing to see here.</p>'));
    expect(await mention(source, url)).toMatchObject({
      status: 'rejected',
      reason: 'The source does not link to the target.',
    });
    expect(requestsTo(source)).toBe(1);
  });
});
