import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../../src/config.js';
import type { WebhookEndpointRow } from '../../src/modules/webhooks/entities.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { setDiscussionSettings } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import { receivingLinkbacks, sendPingback, sourcePage } from '../support/linkbacks.js';
import { databaseKinds, TEST_PUBLIC_URL } from '../support/server.js';
import {
  CREATE_ENDPOINT,
  createEndpoint,
  requestsAt,
  startReceiver,
  verify,
  type Receiver,
} from '../support/webhooks.js';

const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { comment { id } status errors { code } } }`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateComments(ids: $ids, status: $status) {
  comments { id status } errors { code } } }`;
const CREATE_POST = `mutation($title: String!) { createPost(input: { title: $title, content: "<p>Hello</p>" }) {
  post { id slug } errors { code } } }`;
const PUBLISH = `mutation($id: ID!) { publishPost(id: $id) { post { id } errors { code } } }`;
const LOG = `query($id: ID!) { webhookEndpoint(id: $id) { deliveries { id webhookId event status
  attempts { attempt at responseStatus durationMs error } } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) {
  endpoint { id enabled events } secret errors { field code } } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { endpoint { id } secret errors { code } } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(id: $id) { delivery { id status } errors { field code } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId errors { code } } }`;
const LIST = `{ webhookEndpoints { id url description events includePrivateData enabled createdAt } }`;

interface Attempt {
  attempt: number;
  at: string;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}
interface Delivery {
  id: string;
  webhookId: string;
  event: string;
  status: string;
  attempts: Attempt[];
}

// Retries come fast here: 50 ms, then 100 ms; three attempts in all.
// An attempt times out after 1.5 s.
const configure = (c: Config) => {
  c.jobs.retryBaseMs = 50;
  c.jobs.maxAttempts = 3;
  c.webhooks.timeoutMs = 1500;
};

describe.each(databaseKinds())('webhooks on %s', (kind) => {
  const env = receivingLinkbacks(kind, { configure });
  let receiver: Receiver;
  let admin: SignedIn;
  let paths = 0;
  const path = () => `/hook-${++paths}`;

  const as = <T>(query: string, variables: Record<string, unknown> = {}) =>
    env.server.gqlAs<T>(admin.token, query, variables);

  const log = async (id: string): Promise<Delivery[]> =>
    (await as<{ webhookEndpoint: { deliveries: Delivery[] } }>(LOG, { id })).data!.webhookEndpoint
      .deliveries;

  async function heldComment(postId: number, authorName: string): Promise<string> {
    const res = await env.server.gql<{
      submitComment: { comment: { id: string }; status: string };
    }>(SUBMIT, {
      input: {
        postId: String(postId),
        authorName,
        authorEmail: 'private.reader@example.net',
        content: `A comment for the hooks, by ${authorName}.`,
      },
    });
    expect(res.data!.submitComment.status).toBe('PENDING');
    return res.data!.submitComment.comment.id;
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    admin = await signedInUser(env.server, `hooks-admin-${kind}@example.com`, 'ADMIN');
  });
  afterAll(() => receiver?.close());
  beforeEach(async () => {
    await setDiscussionSettings(env.server.db, {
      moderationMode: 'HOLD_ALL',
      minSecondsBetweenComments: 0,
    });
  });
  afterEach(async () => {
    // Each test's endpoints hear only that test's events.
    const list = await as<{ webhookEndpoints: { id: string }[] }>(LIST);
    for (const { id } of list.data!.webhookEndpoints) await as(DELETE, { id });
  });

  it('tells a held comment (without private data unless granted), then its approval', async () => {
    const plain = path();
    const privy = path();
    const onlyApproved = path();
    const a = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + plain,
      events: ['COMMENT_CREATED', 'COMMENT_APPROVED', 'COMMENT_STATUS_CHANGED'],
    });
    const b = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + privy,
      events: ['COMMENT_CREATED'],
      includePrivateData: true,
    });
    const c = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + onlyApproved,
      events: ['COMMENT_APPROVED'],
    });
    const { post } = await env.newPost();
    const commentId = await heldComment(post.id, 'Hook Reader');

    const [created] = await requestsAt(receiver, plain, 1);
    const body = verify(a.secret, created!);
    expect(body).toMatchObject({
      type: 'comment.created',
      version: 1,
      data: {
        post: {
          id: String(post.id),
          slug: post.slug,
          url: `${TEST_PUBLIC_URL}/posts/${post.slug}`,
        },
        comment: {
          id: commentId,
          postId: String(post.id),
          parentId: null,
          authorName: 'Hook Reader',
          status: 'PENDING',
          url: `${TEST_PUBLIC_URL}/posts/${post.slug}#comment-${commentId}`,
        },
      },
    });
    expect(created!.body).not.toContain('private.reader@example.net');
    expect(created!.body).not.toContain('"ip"');
    expect(created!.headers['webhook-id']).toMatch(/^msg_/);
    expect(created!.headers['content-type']).toBe('application/json');

    const [withPrivate] = await requestsAt(receiver, privy, 1);
    expect(verify(b.secret, withPrivate!)).toMatchObject({
      type: 'comment.created',
      data: {
        comment: { id: commentId, authorEmail: 'private.reader@example.net', ip: '127.0.0.1' },
      },
    });
    // Another endpoint's secret does not verify it.
    expect(() => verify(a.secret, withPrivate!)).toThrow();

    const moved = await as<{ moderateComments: { errors: unknown[] } }>(MODERATE, {
      ids: [commentId],
      status: 'APPROVED',
    });
    expect(moved.data!.moderateComments.errors).toEqual([]);
    const all = await requestsAt(receiver, plain, 3);
    const bodies = all.map((r) => verify(a.secret, r));
    expect(bodies.map((x) => x.type).sort()).toEqual([
      'comment.approved',
      'comment.created',
      'comment.status_changed',
    ]);
    expect(bodies.find((x) => x.type === 'comment.status_changed')!.data).toMatchObject({
      from: 'PENDING',
      to: 'APPROVED',
      comment: { id: commentId, status: 'APPROVED' },
    });
    const [approved] = await requestsAt(receiver, onlyApproved, 1);
    expect(verify(c.secret, approved!)).toMatchObject({
      type: 'comment.approved',
      data: { comment: { id: commentId, status: 'APPROVED' } },
    });
    // Subscribed to some events, each endpoint got only those.
    await eventually('the log to settle', async () =>
      (await log(a.id)).every((d) => d.status === 'DELIVERED'),
    );
    expect(receiver.at(privy)).toHaveLength(1);
    expect(receiver.at(onlyApproved)).toHaveLength(1);
    expect((await log(a.id)).map((d) => d.event).sort()).toEqual([
      'COMMENT_APPROVED',
      'COMMENT_CREATED',
      'COMMENT_STATUS_CHANGED',
    ]);
  });

  it('tells a post published', async () => {
    const at = path();
    const { secret } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['POST_PUBLISHED'],
    });
    const created = await as<{ createPost: { post: { id: string; slug: string } } }>(CREATE_POST, {
      title: 'Hooked on posts',
    });
    const { id, slug } = created.data!.createPost.post;
    expect(receiver.at(at)).toEqual([]); // a draft tells nothing
    await as(PUBLISH, { id });
    const [request] = await requestsAt(receiver, at, 1);
    const body = verify(secret, request!);
    expect(body).toMatchObject({
      type: 'post.published',
      version: 1,
      data: {
        post: { id, slug, title: 'Hooked on posts', url: `${TEST_PUBLIC_URL}/posts/${slug}` },
      },
    });
    expect(typeof (body.data.post as Record<string, unknown>).publishedAt).toBe('string');
  });

  it('tells a linkback received from a real pingback', async () => {
    const at = path();
    const { secret } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['LINKBACK_RECEIVED'],
    });
    const { post, url } = await env.newPost();
    const source = env.servePage(sourcePage({ title: 'A hooked source', targets: [url] }));
    expect(await sendPingback(env.server, source, url)).toMatchObject({ ok: true });
    const [request] = await requestsAt(receiver, at, 1);
    expect(verify(secret, request!)).toMatchObject({
      type: 'linkback.received',
      data: {
        post: { id: String(post.id) },
        linkback: {
          kind: 'PINGBACK',
          sourceUrl: source,
          title: 'A hooked source',
          status: 'PENDING',
        },
      },
    });
  });

  it('retries a 500 until a 200, logging each attempt under one webhook-id', async () => {
    const at = path();
    receiver.script(at, [500, 500]);
    const { id, secret } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['COMMENT_CREATED'],
    });
    const { post } = await env.newPost();
    await heldComment(post.id, 'Retry Reader');
    const requests = await requestsAt(receiver, at, 3);
    expect(requests.map((r) => r.answered)).toEqual([500, 500, 200]);
    for (const r of requests) expect(verify(secret, r).type).toBe('comment.created');
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);

    await eventually(
      'the delivery to be logged as delivered',
      async () => (await log(id))[0]?.status === 'DELIVERED',
    );
    const [delivery] = await log(id);
    expect(delivery!.webhookId).toBe(requests[0]!.headers['webhook-id']);
    expect(delivery!.attempts.map((a) => [a.attempt, a.responseStatus, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 200, null],
    ]);
    expect(
      delivery!.attempts.every((a) => a.durationMs >= 0 && !Number.isNaN(Date.parse(a.at))),
    ).toBe(true);
  });

  it('gives up after the last attempt, and a redelivery sends the same message again', async () => {
    const at = path();
    receiver.script(at, [503, 503, 503]);
    const { id, secret } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['COMMENT_CREATED'],
    });
    const { post } = await env.newPost();
    await heldComment(post.id, 'Failing Reader');
    await eventually(
      'the delivery to fail for good',
      async () => (await log(id))[0]?.status === 'FAILED',
    );
    const [failed] = await log(id);
    expect(failed!.attempts.map((a) => a.responseStatus)).toEqual([503, 503, 503]);
    expect(receiver.at(at)).toHaveLength(3);

    const res = await as<{
      redeliverWebhook: { delivery: { id: string; status: string }; errors: unknown[] };
    }>(REDELIVER, { id: failed!.id });
    expect(res.data!.redeliverWebhook).toEqual({
      delivery: { id: failed!.id, status: 'PENDING' },
      errors: [],
    });
    const requests = await requestsAt(receiver, at, 4);
    expect(requests[3]!.answered).toBe(200);
    for (const r of requests) expect(verify(secret, r).type).toBe('comment.created');
    expect(requests[3]!.headers['webhook-id']).toBe(requests[0]!.headers['webhook-id']);
    expect(requests[3]!.body).toBe(requests[0]!.body);
    expect(verify(secret, requests[3]!).type).toBe('comment.created');
    await eventually(
      'the redelivery to be logged',
      async () => (await log(id))[0]?.status === 'DELIVERED',
    );
    expect((await log(id))[0]!.attempts.map((a) => [a.attempt, a.responseStatus])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
      [4, 200],
    ]);

    const unknown = await as<{ redeliverWebhook: { errors: { field: string; code: string }[] } }>(
      REDELIVER,
      { id: '999999' },
    );
    expect(unknown.data!.redeliverWebhook.errors).toEqual([{ field: 'id', code: 'NOT_FOUND' }]);
  });

  it('retries an attempt that timed out', async () => {
    const at = path();
    receiver.script(at, [0]);
    const { id, secret } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['COMMENT_CREATED'],
    });
    const { post } = await env.newPost();
    await heldComment(post.id, 'Patient Reader');
    const requests = await requestsAt(receiver, at, 2);
    expect(requests.map((r) => r.answered)).toEqual([0, 200]);
    for (const r of requests) expect(verify(secret, r).type).toBe('comment.created');
    await eventually(
      'the delivery to be logged',
      async () => (await log(id))[0]?.status === 'DELIVERED',
    );
    expect((await log(id))[0]!.attempts.map((a) => [a.attempt, a.responseStatus, a.error])).toEqual(
      [
        [1, null, 'TIMEOUT: no complete answer within 1.5 s'],
        [2, 200, null],
      ],
    );
  });

  it('does not retry a 4xx other than 408 and 429', async () => {
    const at = path();
    receiver.script(at, [400]);
    const { id, secret } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['COMMENT_CREATED'],
    });
    const { post } = await env.newPost();
    await heldComment(post.id, 'Refused Reader');
    await eventually('the delivery to fail', async () => (await log(id))[0]?.status === 'FAILED');
    expect((await log(id))[0]!.attempts.map((a) => a.responseStatus)).toEqual([400]);
    expect(receiver.at(at)).toHaveLength(1);
    expect(verify(secret, receiver.at(at)[0]!).type).toBe('comment.created');
  });

  it('signs with the new secret once rotated: the old one no longer verifies', async () => {
    const at = path();
    const { id, secret: old } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['COMMENT_CREATED'],
    });
    const rotated = await as<{ rotateWebhookSecret: { secret: string; errors: unknown[] } }>(
      ROTATE,
      {
        id,
      },
    );
    const fresh = rotated.data!.rotateWebhookSecret.secret;
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(fresh).not.toBe(old);
    const { post } = await env.newPost();
    await heldComment(post.id, 'Rotated Reader');
    const [request] = await requestsAt(receiver, at, 1);
    expect(verify(fresh, request!).type).toBe('comment.created');
    expect(() => verify(old, request!)).toThrow(/signature/i);
  });

  it('sends a disabled endpoint nothing, and an enabled one again', async () => {
    const off = path();
    const on = path();
    const disabled = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + off,
      events: ['COMMENT_CREATED'],
    });
    const res = await as<{
      updateWebhookEndpoint: { endpoint: { enabled: boolean }; errors: unknown[] };
    }>(UPDATE, { id: disabled.id, input: { enabled: false } });
    expect(res.data!.updateWebhookEndpoint).toMatchObject({
      endpoint: { enabled: false },
      errors: [],
    });
    // A second endpoint, enabled: when it has heard, the disabled one would have too.
    const enabled = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + on,
      events: ['COMMENT_CREATED'],
    });
    const { post } = await env.newPost();
    await heldComment(post.id, 'Unheard Reader');
    const [heard] = await requestsAt(receiver, on, 1);
    expect(verify(enabled.secret, heard!).data).toMatchObject({
      comment: { authorName: 'Unheard Reader' },
    });
    expect(receiver.at(off)).toEqual([]);
    expect(await log(disabled.id)).toEqual([]);

    await as(UPDATE, { id: disabled.id, input: { enabled: true } });
    await heldComment(post.id, 'Heard Reader');
    const [request] = await requestsAt(receiver, off, 1);
    expect(verify(disabled.secret, request!).data).toMatchObject({
      comment: { authorName: 'Heard Reader' },
    });
  });

  it('refuses a bad URL or no events with field errors, and creates nothing', async () => {
    const cases: [string, string][] = [
      ['ftp://example.com/hook', 'INVALID_URL'],
      ['https://user:pass@example.com/hook', 'INVALID_URL'],
      ['not a url', 'INVALID_URL'],
      ['', 'REQUIRED'],
      ['http://10.1.2.3/hook', 'FORBIDDEN_ADDRESS'],
      ['http://169.254.169.254/latest/meta-data', 'FORBIDDEN_ADDRESS'],
      ['http://[fd00::1]/hook', 'FORBIDDEN_ADDRESS'],
    ];
    for (const [url, code] of cases) {
      const res = await as<{
        createWebhookEndpoint: { endpoint: null; secret: null; errors: unknown[] };
      }>(CREATE_ENDPOINT, { input: { url, events: ['POST_PUBLISHED'] } });
      expect(res.status).toBe(200);
      expect(res.data!.createWebhookEndpoint).toMatchObject({
        endpoint: null,
        secret: null,
        errors: [{ field: 'url', code }],
      });
    }
    const noEvents = await as<{
      createWebhookEndpoint: { errors: { field: string; code: string }[] };
    }>(CREATE_ENDPOINT, { input: { url: `${receiver.origin}/x`, events: [] } });
    expect(noEvents.data!.createWebhookEndpoint.errors).toMatchObject([
      { field: 'events', code: 'REQUIRED' },
    ]);
    const unknownEvent = await as(CREATE_ENDPOINT, {
      input: { url: `${receiver.origin}/x`, events: ['POST_EATEN'] },
    });
    expect(unknownEvent.status).toBe(400);
    expect(await env.server.repo<WebhookEndpointRow>('WebhookEndpoint').count()).toBe(0);
  });

  it('never shows the secret again after creation', async () => {
    const { id, secret } = await createEndpoint(env.server, admin.token, {
      url: `${receiver.origin}/secretive`,
      events: ['POST_PUBLISHED'],
      description: 'Never tells',
    });
    const list = await as<{ webhookEndpoints: { id: string; description: string }[] }>(LIST);
    expect(list.data!.webhookEndpoints).toMatchObject([{ id, description: 'Never tells' }]);
    expect(list.raw).not.toContain(secret);
    const updated = await as<{ updateWebhookEndpoint: { secret: string | null } }>(UPDATE, {
      id,
      input: { description: 'Still never tells' },
    });
    expect(updated.data!.updateWebhookEndpoint.secret).toBeNull();
    expect(updated.raw).not.toContain(secret);
    const asked = await as(`{ webhookEndpoints { id secret } }`);
    expect(asked.status).toBe(400);
    expect(asked.raw).not.toContain(secret);
  });

  it('refuses everyone but an administrator', async () => {
    const { id } = await createEndpoint(env.server, admin.token, {
      url: `${receiver.origin}/guarded`,
      events: ['POST_PUBLISHED'],
    });
    const editor = await signedInUser(env.server, `hooks-editor-${kind}@example.com`, 'EDITOR');
    const operations: [string, Record<string, unknown>][] = [
      [LIST, {}],
      [CREATE_ENDPOINT, { input: { url: `${receiver.origin}/mine`, events: ['POST_PUBLISHED'] } }],
      [UPDATE, { id, input: { enabled: false } }],
      [ROTATE, { id }],
      [DELETE, { id }],
      [REDELIVER, { id: '1' }],
    ];
    for (const [query, variables] of operations) {
      const byEditor = await env.server.gqlAs(editor.token, query, variables);
      expect(byEditor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await env.server.gql(query, variables);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const rows = await env.server.repo<WebhookEndpointRow>('WebhookEndpoint').find();
    expect(rows.map((r) => [String(r.id), r.enabled, r.url])).toEqual([
      [id, true, `${receiver.origin}/guarded`],
    ]);

    const deleted = await as<{ deleteWebhookEndpoint: { deletedId: string } }>(DELETE, { id });
    expect(deleted.data!.deleteWebhookEndpoint.deletedId).toBe(id);
    expect(await env.server.repo<WebhookEndpointRow>('WebhookEndpoint').count()).toBe(0);
  });

  it('signs as the Standard Webhooks library expects, header by header', async () => {
    const at = path();
    const { secret } = await createEndpoint(env.server, admin.token, {
      url: receiver.origin + at,
      events: ['COMMENT_CREATED'],
    });
    const { post } = await env.newPost();
    await heldComment(post.id, 'Header Reader');
    const [request] = await requestsAt(receiver, at, 1);
    const id = String(request!.headers['webhook-id']);
    const timestamp = Number(request!.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(300);
    expect(request!.headers['webhook-signature']).toBe(
      new Webhook(secret).sign(id, new Date(timestamp * 1000), request!.body),
    );
  });
});
