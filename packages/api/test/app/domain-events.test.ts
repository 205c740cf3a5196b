import { beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/db/domain-events.js';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { modules as appModules } from '../../src/modules/index.js';
import { defineModule } from '../../src/modules/module.js';
import type { JobRow } from '../../src/modules/jobs/entities.js';
import { SETTINGS } from '../../src/modules/linkbacks/messages.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { setDiscussionSettings } from '../support/fixtures.js';
import { eventually } from '../support/jobs.js';
import { receivingLinkbacks, sendPingback, setSetting, sourcePage } from '../support/linkbacks.js';
import { databaseKinds } from '../support/server.js';
import type { JobQueue } from '../../src/modules/jobs/job-queue.js';

/**
 * A module that follows the conversation as webhooks and notifications do:
 * it hears every event inside the unit of work that caused it and queues a
 * job for it there (or, when told, refuses it, which must undo the write).
 * What it heard is read back from the jobs table, so only what committed counts.
 */
const RECORD_JOB = 'test.event';
let refuse: DomainEvent['type'] | null = null;
const recorder = defineModule<{ jobs: JobQueue }, object>({
  name: 'recorder',
  subscribers: ({ jobs }) => {
    const record = async (event: DomainEvent) => {
      if (event.type === refuse) throw new Error(`refused ${event.type}`);
      // Far in the future: the worker leaves them alone.
      await jobs.enqueue(RECORD_JOB, event, { runAt: new Date(Date.now() + 86_400_000) });
    };
    return {
      'post.published': record,
      'post.updated': record,
      'post.unpublished': record,
      'comment.created': record,
      'comment.status_changed': record,
      'comment.approved': record,
      'linkback.received': record,
      'linkback.status_changed': record,
      'linkback.approved': record,
    };
  },
});

const CREATE = `mutation($title: String!) { createPost(input: { title: $title, content: "<p>Hello</p>" }) {
  post { id slug } errors { code } } }`;
const PUBLISH = `mutation($id: ID!, $at: DateTime) { publishPost(id: $id, publishAt: $at) { post { id } errors { code } } }`;
const UPDATE = `mutation($id: ID!, $title: String!) { updatePost(input: { id: $id, title: $title }) { post { id } errors { code } } }`;
const UNPUBLISH = `mutation($id: ID!) { unpublishPost(id: $id) { post { id } errors { code } } }`;
const SUBMIT = `mutation($input: SubmitCommentInput!) { submitComment(input: $input) { comment { id } status errors { code } } }`;
const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateComments(ids: $ids, status: $status) {
  comments { id status } errors { code } } }`;
const MODERATE_LINKBACKS = `mutation($ids: [ID!]!, $status: CommentStatus!) { moderateLinkbacks(ids: $ids, status: $status) {
  linkbacks { id status } errors { code } } }`;

describe.each(databaseKinds())('domain events on %s', (kind) => {
  const env = receivingLinkbacks(kind, { modules: [...appModules, recorder] });
  let editor: SignedIn;
  let seen = 0;

  /** The events committed since the last call, in order. */
  async function committed(): Promise<DomainEvent[]> {
    const rows = await env.server
      .repo<JobRow>('Job')
      .find({ where: { kind: RECORD_JOB }, order: { id: 'ASC' } });
    const fresh = rows.filter((r) => r.id > seen);
    seen = rows.at(-1)?.id ?? seen;
    return fresh.map((r) => JSON.parse(r.payload) as DomainEvent);
  }

  const as = <T>(query: string, variables: Record<string, unknown>) =>
    env.server.gqlAs<T>(editor.token, query, variables);

  /** An anonymous reader's comment on the post. */
  const submit = (postId: number, authorName: string, content: string) =>
    env.server.gql<{ submitComment: { comment: { id: string } | null } }>(SUBMIT, {
      input: { postId: String(postId), authorName, authorEmail: 'reader@example.net', content },
    });

  async function newPost(title: string): Promise<number> {
    const res = await as<{ createPost: { post: { id: string } } }>(CREATE, { title });
    return Number(res.data!.createPost.post.id);
  }

  beforeEach(async () => {
    refuse = null;
    editor ??= await signedInUser(env.server, `events-${kind}@example.com`, 'EDITOR');
    // Every submission here comes from 127.0.0.1: the per-IP interval is out of the way.
    await setDiscussionSettings(env.server.db, { minSecondsBetweenComments: 0 });
    await committed();
  });

  it('tells of a post published, edited and taken off, and of nothing a reader never saw', async () => {
    const id = await newPost('Drafted');
    await as(UPDATE, { id: String(id), title: 'Still a draft' });
    expect(await committed()).toEqual([]);

    await as(PUBLISH, { id: String(id) });
    await as(PUBLISH, { id: String(id) }); // already visible: nothing new
    await as(UPDATE, { id: String(id), title: 'Edited while live' });
    await as(UNPUBLISH, { id: String(id) });
    expect(await committed()).toEqual([
      { type: 'post.published', postId: id },
      { type: 'post.updated', postId: id },
      { type: 'post.unpublished', postId: id },
    ]);
  });

  it('tells of a scheduled post when its time comes, from the job worker', async () => {
    const id = await newPost('Scheduled');
    const at = new Date(Date.now() + 1_500);
    const res = await as<{ publishPost: { errors: unknown[] } }>(PUBLISH, {
      id: String(id),
      at: at.toISOString(),
    });
    expect(res.data!.publishPost.errors).toEqual([]);
    expect(await committed()).toEqual([]);
    const heard: DomainEvent[] = [];
    await eventually('the scheduled post to go live', async () => {
      heard.push(...(await committed()));
      return heard.length > 0;
    });
    expect(heard).toEqual([{ type: 'post.published', postId: id }]);
  });

  it('tells of a comment held, then approved and moved on, with the status it moved from', async () => {
    await setDiscussionSettings(env.server.db, { moderationMode: 'HOLD_ALL' });
    const postId = await newPost('Commented');
    await as(PUBLISH, { id: String(postId) });
    await committed();

    const commentId = Number(
      (await submit(postId, 'Eve Events', 'Held for a moderator.')).data!.submitComment.comment!.id,
    );
    expect(await committed()).toEqual([
      { type: 'comment.created', commentId, postId, status: 'PENDING' },
    ]);

    await as(MODERATE, { ids: [String(commentId)], status: 'APPROVED' });
    await as(MODERATE, { ids: [String(commentId)], status: 'APPROVED' }); // no move: nothing
    await as(MODERATE, { ids: [String(commentId)], status: 'SPAM' });
    expect(await committed()).toEqual([
      { type: 'comment.status_changed', commentId, postId, from: 'PENDING', to: 'APPROVED' },
      { type: 'comment.approved', commentId, postId },
      { type: 'comment.status_changed', commentId, postId, from: 'APPROVED', to: 'SPAM' },
    ]);

    await setDiscussionSettings(env.server.db, { moderationMode: 'PUBLISH' });
    const shownId = Number(
      (await submit(postId, 'Ann Approved', 'Shown at once.')).data!.submitComment.comment!.id,
    );
    expect(await committed()).toEqual([
      { type: 'comment.created', commentId: shownId, postId, status: 'APPROVED' },
      { type: 'comment.approved', commentId: shownId, postId },
    ]);
  });

  it('undoes the write when a subscriber fails inside its unit of work', async () => {
    await setDiscussionSettings(env.server.db, { moderationMode: 'PUBLISH' });
    const postId = await newPost('Refused');
    await as(PUBLISH, { id: String(postId) });
    await committed();
    const comments = () => env.server.repo<CommentRow>('Comment').countBy({ postId });

    refuse = 'comment.approved';
    const res = await submit(postId, 'Rolled Back', 'This is never stored.');
    expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await comments()).toBe(0);
    // Not even the comment.created that was heard before the refusal.
    expect(await committed()).toEqual([]);
  });

  it('tells of a linkback received and approved', async () => {
    await setSetting(env.server.db, SETTINGS.autoApprove, 'false');
    const { post, url } = await env.newPost();
    const source = env.servePage(sourcePage({ title: 'A linking post', targets: [url] }));
    expect(await sendPingback(env.server, source, url)).toMatchObject({ ok: true });
    const [received] = await committed();
    expect(received).toMatchObject({
      type: 'linkback.received',
      postId: post.id,
      status: 'PENDING',
    });
    const linkbackId = (received as { linkbackId: number }).linkbackId;

    await as(MODERATE_LINKBACKS, { ids: [String(linkbackId)], status: 'APPROVED' });
    expect(await committed()).toEqual([
      {
        type: 'linkback.status_changed',
        linkbackId,
        postId: post.id,
        from: 'PENDING',
        to: 'APPROVED',
      },
      { type: 'linkback.approved', linkbackId, postId: post.id },
    ]);
  });
});
