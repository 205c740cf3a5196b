import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkbackRow } from '../../src/modules/linkbacks/entities.js';
import type { PostRevisionRow } from '../../src/modules/posts/entities.js';
import { apiToken, signedInUser } from '../support/editorial.js';
import { insertComment, insertPost } from '../support/fixtures.js';
import {
  databaseKinds,
  startServer,
  type GraphQLResponse,
  type TestServer,
} from '../support/server.js';

/**
 * Who may do what in the editorial API, as one table. Each row is one
 * operation or private field; each column one kind of caller:
 *
 *   anon    no credentials
 *   own     AUTHOR, on their own post
 *   other   the same AUTHOR, on someone else's post
 *   editor  EDITOR (session)        admin  ADMIN (session)
 *   read / write / mod  API tokens of an ADMIN with the scope READ_DRAFTS /
 *          WRITE_CONTENT / MODERATE (so only the scope limits them)
 *
 * Outcomes: ok; U = UNAUTHENTICATED; F = FORBIDDEN; - = the request works
 * but the item is not in the answer (lists scoped to the viewer's posts).
 * Adding a row is one line: a name, the expected outcomes, and the request.
 */
const ACTORS = ['anon', 'own', 'other', 'editor', 'admin', 'read', 'write', 'mod'] as const;
type Actor = (typeof ACTORS)[number];

/** What each case gets: fresh items owned by the post author the column says. */
interface Fixture {
  n: number;
  draftId: string;
  publishedSlug: string;
  trashedId: string;
  revisionId: string;
  commentId: string;
  trashedCommentId: string;
  linkbackId: string;
  commenterEmail: string;
}

interface Request {
  query: string;
  variables?: Record<string, unknown>;
  /** For lists: is the fixture's item in the answer? */
  present?: (data: Record<string, unknown>) => boolean;
}

type Row = [name: string, expected: string, request: (f: Fixture) => Request];

const payload = 'errors { field code }';
const hasNode = (id: string) => (data: Record<string, unknown>) =>
  JSON.stringify(data).includes(`"id":"${id}"`);

const ROWS: Row[] = [
  // Posts
  [
    'createPost',
    'U ok ok ok ok F ok F',
    (f) => ({
      query: `mutation($t: String!) { createPost(input: { title: $t }) { post { id } ${payload} } }`,
      variables: { t: `Created ${f.n}` },
    }),
  ],
  [
    'updatePost',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!) { updatePost(input: { id: $id, title: "Edited" }) { post { id } ${payload} } }`,
      variables: { id: f.draftId },
    }),
  ],
  [
    'publishPost',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!) { publishPost(id: $id) { post { id } ${payload} } }`,
      variables: { id: f.draftId },
    }),
  ],
  [
    'publishPost (scheduled)',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!, $at: DateTime) { publishPost(id: $id, publishAt: $at) { post { id } ${payload} } }`,
      variables: { id: f.draftId, at: new Date(Date.now() + 3_600_000).toISOString() },
    }),
  ],
  [
    'unpublishPost',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!) { unpublishPost(id: $id) { post { id } ${payload} } }`,
      variables: { id: f.draftId },
    }),
  ],
  [
    'trashPost',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!) { trashPost(id: $id) { post { id } ${payload} } }`,
      variables: { id: f.draftId },
    }),
  ],
  [
    'restorePost',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!) { restorePost(id: $id) { post { id } ${payload} } }`,
      variables: { id: f.trashedId },
    }),
  ],
  [
    'deletePost',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!) { deletePost(id: $id) { deletedId ${payload} } }`,
      variables: { id: f.trashedId },
    }),
  ],
  [
    'restorePostRevision',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `mutation($id: ID!) { restorePostRevision(revisionId: $id) { post { id } ${payload} } }`,
      variables: { id: f.revisionId },
    }),
  ],
  [
    'editorPost (a draft)',
    'U ok F ok ok ok F F',
    (f) => ({
      query: `query($id: ID!) { editorPost(id: $id) { id title status } }`,
      variables: { id: f.draftId },
    }),
  ],
  [
    'editorPosts (lists the draft)',
    'U ok - ok ok ok F F',
    (f) => ({
      query: `{ editorPosts(status: DRAFT, first: 100) { edges { node { id } } } }`,
      present: hasNode(f.draftId),
    }),
  ],
  [
    'Post.revisions (published post, public query)',
    'U ok F ok ok ok ok F',
    (f) => ({
      query: `query($s: String!) { post(slug: $s) { id revisions { id } } }`,
      variables: { s: f.publishedSlug },
    }),
  ],
  [
    'Post.contentSource (published post, public query)',
    'U ok F ok ok ok ok F',
    (f) => ({
      query: `query($s: String!) { post(slug: $s) { id contentSource contentFormat } }`,
      variables: { s: f.publishedSlug },
    }),
  ],
  // Comments
  [
    'comments queue of the post, with email/ip/user agent',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `query($p: ID!) { comments(postId: $p) { edges { node { id authorEmail authorUrl ip userAgent } } } }`,
      variables: { p: f.draftId },
    }),
  ],
  [
    'comments queue (lists the comment)',
    'U ok - ok ok F F ok',
    (f) => ({
      query: `{ comments(first: 100) { edges { node { id authorEmail ip userAgent } } } }`,
      present: hasNode(f.commentId),
    }),
  ],
  [
    'commentCounts',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `query($p: ID!) { commentCounts(postId: $p) { pending approved } }`,
      variables: { p: f.draftId },
    }),
  ],
  [
    'moderateComments',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `mutation($ids: [ID!]!) { moderateComments(ids: $ids, status: SPAM) { comments { id authorEmail } ${payload} } }`,
      variables: { ids: [f.commentId] },
    }),
  ],
  [
    'editComment',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `mutation($id: ID!) { editComment(input: { id: $id, content: "Edited", authorName: "Name" }) { comment { id } ${payload} } }`,
      variables: { id: f.commentId },
    }),
  ],
  [
    'deleteComment',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `mutation($id: ID!) { deleteComment(id: $id) { deletedIds ${payload} } }`,
      variables: { id: f.trashedCommentId },
    }),
  ],
  [
    'replyAsAuthor',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `mutation($id: ID!) { replyAsAuthor(parentId: $id, content: "Thanks") { comment { id } ${payload} } }`,
      variables: { id: f.commentId },
    }),
  ],
  // Linkbacks
  [
    'linkbacks queue of the post',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `query($p: ID!) { linkbacks(postId: $p) { edges { node { id status } } } }`,
      variables: { p: f.draftId },
    }),
  ],
  [
    'linkbacks queue (lists the linkback)',
    'U ok - ok ok F F ok',
    (f) => ({
      query: `{ linkbacks(first: 100) { edges { node { id } } } }`,
      present: hasNode(f.linkbackId),
    }),
  ],
  [
    'linkbackCounts',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `query($p: ID!) { linkbackCounts(postId: $p) { pending } }`,
      variables: { p: f.draftId },
    }),
  ],
  [
    'moderateLinkbacks',
    'U ok F ok ok F F ok',
    (f) => ({
      query: `mutation($ids: [ID!]!) { moderateLinkbacks(ids: $ids, status: APPROVED) { linkbacks { id } ${payload} } }`,
      variables: { ids: [f.linkbackId] },
    }),
  ],
  // Share targets and site settings: ADMIN in a session only
  [
    'editorShareTargets',
    'U F F F ok F F F',
    () => ({
      query: `{ editorShareTargets { key urlTemplate } }`,
    }),
  ],
  [
    'createShareTarget',
    'U F F F ok F F F',
    (f) => ({
      query: `mutation($k: String!) { createShareTarget(input: { key: $k, name: "N", label: "L", urlTemplate: "https://s.example/?u={url}" }) { shareTarget { key } ${payload} } }`,
      variables: { k: `target-${f.n}` },
    }),
  ],
  [
    'updateShareTarget (disable)',
    'U F F F ok F F F',
    () => ({
      query: `mutation { updateShareTarget(input: { key: "reddit", enabled: true }) { shareTarget { key } ${payload} } }`,
    }),
  ],
  [
    'reorderShareTargets',
    'U F F F ok F F F',
    () => ({
      query: `mutation { reorderShareTargets(keys: ["twitter"]) { shareTargets { key } ${payload} } }`,
    }),
  ],
  [
    'updateSite',
    'U F F F ok F F F',
    () => ({
      query: `mutation { updateSite(title: "Colloquy") { site { title } ${payload} } }`,
    }),
  ],
  [
    'discussionRules',
    'U F F F ok F F F',
    () => ({ query: `{ discussionRules { threadDepth spamWords } }` }),
  ],
  [
    'updateDiscussionSettings',
    'U F F F ok F F F',
    () => ({
      query: `mutation { updateDiscussionSettings(input: { refuseDuplicates: true }) { settings { refuseDuplicates } ${payload} } }`,
    }),
  ],
  // Users: an ADMIN's session only
  ['users', 'U F F F ok F F F', () => ({ query: `{ users(first: 1) { totalCount } }` })],
  [
    'createUser',
    'U F F F ok F F F',
    (f) => ({
      query: `mutation($e: String!) { createUser(input: { email: $e, displayName: "New", role: AUTHOR, password: "long enough password" }) { user { id } ${payload} } }`,
      variables: { e: `new-user-${f.n}@example.com` },
    }),
  ],
  [
    'setUserRole',
    'U F F F ok F F F',
    // User 3 is editor@example.com (beforeAll); EDITOR again changes nothing.
    () => ({
      query: `mutation { setUserRole(id: "3", role: EDITOR) { user { role } ${payload} } }`,
    }),
  ],
  // Outcomes of the pings a post sent: for those who may edit it
  [
    'Post.outgoingPings',
    'U ok F ok ok F ok F',
    (f) => ({
      query: `query($s: String!) { post(slug: $s) { outgoingPings { id status } } }`,
      variables: { s: f.publishedSlug },
    }),
  ],
];

/** The Viewer.can… field that must be true exactly when the row's operation is allowed (on own posts). */
const CAPABILITIES: [field: string, row: string][] = [
  ['canCreatePosts', 'createPost'],
  ['canReadDrafts', 'editorPost (a draft)'],
  ['canPublishPosts', 'publishPost'],
  ['canModerateComments', 'moderateComments'],
  ['canManageShareTargets', 'createShareTarget'],
  ['canManageSettings', 'updateSite'],
  ['canManageUsers', 'users'],
];

function outcome(
  res: GraphQLResponse,
  present?: (data: Record<string, unknown>) => boolean,
): string {
  const code = res.errors?.[0]?.extensions?.code;
  if (code === 'UNAUTHENTICATED') return 'U';
  if (code === 'FORBIDDEN') return 'F';
  if (code) return `${code}: ${res.errors![0]!.message}`;
  const data = res.data as Record<string, unknown>;
  if (present && !present(data)) return '-';
  // A payload's UserErrors would mean the call was let through but failed: show them.
  const errors = (Object.values(data)[0] as { errors?: { code: string }[] } | null)?.errors;
  if (errors?.length) return errors.map((e) => e.code).join('+');
  return 'ok';
}

describe.each(databaseKinds())('editorial authorization table on %s', (kind) => {
  let server: TestServer;
  const tokens = {} as Record<Actor, string | null>;
  let ownAuthorId: number;
  let otherAuthorId: number;
  let n = 0;

  beforeAll(async () => {
    server = await startServer(kind);
    const author = await signedInUser(server, 'author@example.com', 'AUTHOR');
    const otherAuthor = await signedInUser(server, 'other-author@example.com', 'AUTHOR');
    const editor = await signedInUser(server, 'editor@example.com', 'EDITOR');
    const admin = await signedInUser(server, 'admin@example.com', 'ADMIN');
    ownAuthorId = author.authorId;
    otherAuthorId = otherAuthor.authorId;
    Object.assign(tokens, {
      anon: null,
      own: author.token,
      other: author.token,
      editor: editor.token,
      admin: admin.token,
      read: await apiToken(server, admin.userId, ['READ_DRAFTS']),
      write: await apiToken(server, admin.userId, ['WRITE_CONTENT']),
      mod: await apiToken(server, admin.userId, ['MODERATE']),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function fixture(authorId: number): Promise<Fixture> {
    const ds = server.db;
    const i = ++n;
    const draft = await insertPost(ds, {
      slug: `draft-${i}`,
      authorId,
      status: 'DRAFT',
      publishedAt: null,
    });
    const published = await insertPost(ds, { slug: `published-${i}`, authorId });
    const trashed = await insertPost(ds, { slug: `trashed-${i}`, authorId, status: 'TRASH' });
    const revision = await server.repo<PostRevisionRow>('PostRevision').save({
      postId: draft.id,
      title: 'Older title',
      contentSource: '<p>older</p>',
      contentFormat: 'HTML',
      excerpt: 'older',
      tags: '[]',
      createdAt: new Date(Date.now() - 60_000),
      userId: null,
      createdByName: null,
    });
    const commenterEmail = `private-${i}@example.net`;
    const privateFields = {
      authorEmail: commenterEmail,
      ip: '198.51.100.7',
      userAgent: `SecretAgent-${i}-`,
    };
    const comment = await insertComment(ds, {
      postId: draft.id,
      createdAt: new Date(),
      ...privateFields,
    });
    const trashedComment = await insertComment(ds, {
      postId: draft.id,
      createdAt: new Date(),
      status: 'TRASH',
      ...privateFields,
    });
    const linkback = await server.repo<LinkbackRow>('Linkback').save({
      postId: draft.id,
      kind: 'PINGBACK',
      sourceUrl: `https://elsewhere.example.net/${i}`,
      title: null,
      excerpt: null,
      blogName: null,
      status: 'PENDING',
      createdAt: new Date(),
    });
    return {
      n: i,
      draftId: String(draft.id),
      publishedSlug: published.slug,
      trashedId: String(trashed.id),
      revisionId: String(revision.id),
      commentId: String(comment.id),
      trashedCommentId: String(trashedComment.id),
      linkbackId: String(linkback.id),
      commenterEmail,
    };
  }

  it.each(ROWS)('%s: %s', async (_name, expected, request) => {
    const actual: string[] = [];
    for (const actor of ACTORS) {
      const f = await fixture(actor === 'own' ? ownAuthorId : otherAuthorId);
      const { query, variables, present } = request(f);
      const token = tokens[actor];
      const res = token
        ? await server.gqlAs(token, query, variables)
        : await server.gql(query, variables);
      const result = outcome(res, present);
      actual.push(result);
      // Whatever is refused, the commenter's private details are not in the answer.
      if (result !== 'ok') {
        expect(res.raw).not.toContain(f.commenterEmail);
        expect(res.raw).not.toContain(`SecretAgent-${f.n}-`);
      }
      if (result === 'U' || result === 'F') expect(res.raw).not.toContain('198.51.100.7');
    }
    expect(ACTORS.map((a, i) => `${a}=${actual[i]}`)).toEqual(
      ACTORS.map((a, i) => `${a}=${expected.split(' ')[i]}`),
    );
  });

  it('keeps the viewer can… fields truthful: each is true exactly when its row says ok for the viewer', async () => {
    const fields = CAPABILITIES.map(([field]) => field).join(' ');
    for (const actor of ACTORS) {
      if (actor === 'other') continue; // the same user as `own`
      const token = tokens[actor];
      const res = token
        ? await server.gqlAs<{ viewer: Record<string, boolean> | null }>(
            token,
            `{ viewer { ${fields} } }`,
          )
        : await server.gql<{ viewer: null }>(`{ viewer { ${fields} } }`);
      const column = ACTORS.indexOf(actor);
      const expected = Object.fromEntries(
        CAPABILITIES.map(([field, rowName]) => {
          const row = ROWS.find(([name]) => name === rowName)!;
          return [field, row[1].split(' ')[column] === 'ok'];
        }),
      );
      if (actor === 'anon') expect(res.data!.viewer).toBeNull();
      else expect({ actor, ...res.data!.viewer }).toEqual({ actor, ...expected });
    }
  });
});
