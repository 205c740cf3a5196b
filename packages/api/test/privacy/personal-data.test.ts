import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { modules as appModules } from '../../src/modules/index.js';
import { defineModule } from '../../src/modules/module.js';
import { insertComment, insertPost, signInAs } from '../support/fixtures.js';
import { capturedLog, databaseKinds, startServer, type TestServer } from '../support/server.js';

const EXPORT = `query($email: String!) {
  personalData(email: $email) {
    email exportedAt json
    parts { name count }
    comments {
      id parentId status authorName authorEmail authorUrl content createdAt ip userAgent
      post { id slug title }
    }
  }
}`;

const ERASE = `mutation($email: String!, $mode: ErasureMode!) {
  erasePersonalData(email: $email, mode: $mode) {
    mode erased { name count } errors { field code message }
  }
}`;

const THREAD = `query($slug: String!) {
  post(slug: $slug) {
    commentCount
    comments(first: 50) {
      totalCount
      edges { node { authorName depth content
        replies(first: 50) { totalCount edges { node { authorName depth content
          replies(first: 50) { totalCount edges { node { authorName depth content } } }
        } } }
      } }
    }
  }
}`;

interface ThreadNode {
  authorName: string;
  depth: number;
  content: string;
  replies?: { totalCount: number; edges: { node: ThreadNode }[] };
}
interface Thread {
  post: { commentCount: number; comments: { totalCount: number; edges: { node: ThreadNode }[] } };
}

/** The thread as readers get it: author, depth and text (without its markup) of each comment, replies nested. */
const shape = (nodes: { node: ThreadNode }[]): unknown[] =>
  nodes.map(({ node }) => [
    node.authorName,
    node.depth,
    node.content.replace(/<[^>]+>/g, ''),
    ...(node.replies ? [node.replies.totalCount, shape(node.replies.edges)] : []),
  ]);

const MINUTE = 60_000;

describe.each(databaseKinds())('personal data on %s', (kind) => {
  let server: TestServer;
  const log = capturedLog();
  let admin: string;
  let editor: string;
  let adminId: number;

  beforeAll(async () => {
    server = await startServer(kind, { logStream: log.stream });
    const signedIn = await signInAs(server, { email: 'admin@example.org', role: 'ADMIN' });
    admin = signedIn.token;
    adminId = signedIn.user.id;
    editor = (await signInAs(server, { email: 'editor@example.org', role: 'EDITOR' })).token;
  });
  afterAll(() => server?.close());

  const t0 = Date.now() - 100 * MINUTE;
  const at = (n: number) => new Date(t0 + n * MINUTE);

  async function comment(
    postId: number,
    n: number,
    who: { name: string; email: string },
    fields: Partial<CommentRow> = {},
  ): Promise<CommentRow> {
    return insertComment(server.db, {
      postId,
      createdAt: at(n),
      authorName: who.name,
      authorEmail: who.email,
      // The text names nobody: a page without the name must be the erasure's doing.
      contentText: `Comment ${n}`,
      contentHtml: `<p>Comment ${n}</p>`,
      ip: `198.51.100.${n}`,
      userAgent: `Browser ${n}`,
      ...fields,
    });
  }

  const thread = async (slug: string) => {
    const res = await server.gql<Thread>(THREAD, { slug });
    expect(res.errors).toBeUndefined();
    return res.data!.post;
  };

  /** The post page, as a reader (and the response cache) sees it. */
  const page = async (slug: string) => {
    const res = await fetch(`${server.url}/posts/${slug}`);
    expect(res.status).toBe(200);
    return { cache: res.headers.get('x-cache'), html: await res.text() };
  };

  /** Fetches the page until the response cache serves it, so a later change must drop it. */
  const cachedPage = async (slug: string) => {
    for (let i = 0; i < 5; i++) {
      const got = await page(slug);
      if (got.cache === 'hit') return got.html;
    }
    throw new Error(`the response cache never served /posts/${slug}`);
  };

  const jane = { name: 'Jane Doe', email: 'jane@example.net' };
  const other = { name: 'Olga Other', email: 'olga@example.com' };
  const third = { name: 'Theo Third', email: 'theo@example.com' };

  it('is for admins only, and refuses what is not an email address without changing anything', async () => {
    const post = await insertPost(server.db, { slug: 'guarded' });
    await comment(post.id, 1, jane);
    const anonymous = await server.gql(ERASE, { email: jane.email, mode: 'REMOVE' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const byEditor = await server.gqlAs(editor, EXPORT, { email: jane.email });
    expect(byEditor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(byEditor.data).toBeNull();
    const erasedByEditor = await server.gqlAs(editor, ERASE, { email: jane.email, mode: 'REMOVE' });
    expect(erasedByEditor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const bad = await server.gqlAs(admin, EXPORT, { email: 'not an address' });
    expect(bad.status).toBe(200);
    expect(bad.errors?.[0]).toMatchObject({
      message: 'That is not an email address.',
      extensions: { code: 'BAD_USER_INPUT', field: 'email' },
    });
    const refused = await server.gqlAs<{ erasePersonalData: unknown }>(admin, ERASE, {
      email: '   ',
      mode: 'ANONYMISE',
    });
    expect(refused.data!.erasePersonalData).toEqual({
      mode: null,
      erased: null,
      errors: [
        {
          field: 'email',
          code: 'REQUIRED',
          message: 'Give the email address whose data is wanted.',
        },
      ],
    });
    const wrongMode = await server.gqlAs(admin, ERASE, { email: jane.email, mode: 'SHRED' });
    expect(wrongMode.status).toBe(400);
    // Nothing was erased by any of it.
    expect((await thread('guarded')).commentCount).toBe(1);
    expect(
      await server.repo<CommentRow>('Comment').countBy({ postId: post.id, authorName: jane.name }),
    ).toBe(1);
  });

  it('exports every comment written with the address, matched without case, with text, dates, IPs and user agents', async () => {
    const person = { name: 'Eve Export', email: 'eve@example.net' };
    const first = await insertPost(server.db, { slug: 'export-one', title: 'Export one' });
    const second = await insertPost(server.db, { slug: 'export-two', title: 'Export two' });
    const a = await comment(first.id, 10, person, { authorUrl: 'https://eve.example/' });
    const reply = await comment(first.id, 11, other, { parentId: a.id, depth: 1 });
    const b = await comment(first.id, 12, person, {
      parentId: reply.id,
      depth: 2,
      status: 'PENDING',
    });
    // Stored in capitals (an import may do that): still hers.
    const c = await comment(second.id, 13, { ...person, email: 'EVE@Example.NET' });

    const res = await server.gqlAs<{ personalData: Record<string, unknown> }>(admin, EXPORT, {
      email: '  Eve@EXAMPLE.net ',
    });
    expect(res.errors).toBeUndefined();
    const data = res.data!.personalData as {
      email: string;
      exportedAt: string;
      json: string;
      parts: unknown[];
      comments: Record<string, unknown>[];
    };
    expect(data.email).toBe('eve@example.net');
    expect(data.parts).toEqual([
      { name: 'comments', count: 3 },
      { name: 'replySubscriptions', count: 0 },
    ]);
    expect(data.comments).toEqual([
      {
        id: String(a.id),
        parentId: null,
        status: 'APPROVED',
        authorName: 'Eve Export',
        authorEmail: 'eve@example.net',
        authorUrl: 'https://eve.example/',
        content: 'Comment 10',
        createdAt: at(10).toISOString(),
        ip: '198.51.100.10',
        userAgent: 'Browser 10',
        post: { id: String(first.id), slug: 'export-one', title: 'Export one' },
      },
      expect.objectContaining({
        id: String(b.id),
        parentId: String(reply.id),
        status: 'PENDING',
        content: 'Comment 12',
        ip: '198.51.100.12',
      }),
      expect.objectContaining({
        id: String(c.id),
        authorEmail: 'EVE@Example.NET',
        post: { id: String(second.id), slug: 'export-two', title: 'Export two' },
      }),
    ]);
    // The JSON document holds the same, every part under its name.
    const json = JSON.parse(data.json) as { email: string; comments: { id: number }[] };
    expect(json.email).toBe('eve@example.net');
    expect(json.comments.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    // Olga's reply is hers, not Eve's.
    expect(data.json).not.toContain('Olga');

    const nobody = await server.gqlAs<{ personalData: { parts: unknown; comments: unknown[] } }>(
      admin,
      EXPORT,
      { email: 'nobody@example.org' },
    );
    expect(nobody.data!.personalData).toMatchObject({
      parts: [
        { name: 'comments', count: 0 },
        { name: 'replySubscriptions', count: 0 },
      ],
      comments: [],
    });
  });

  it('ANONYMISE keeps the comments where they are, as Anonymous, with email, URL, IP and user agent gone; readers see it at once', async () => {
    const ann = { name: 'Ann Onymous-To-Be', email: 'ann@example.net' };
    const post = await insertPost(server.db, { slug: 'anonymise' });
    const top = await comment(post.id, 20, ann, { authorUrl: 'https://ann.example/' });
    const reply = await comment(post.id, 21, other, { parentId: top.id, depth: 1 });
    const own = await comment(post.id, 22, ann, { parentId: reply.id, depth: 2 });
    const before = await thread('anonymise');
    expect(before.commentCount).toBe(3);
    expect(await cachedPage('anonymise')).toContain('Ann Onymous-To-Be');

    const res = await server.gqlAs<{ erasePersonalData: unknown }>(admin, ERASE, {
      email: 'ANN@example.net',
      mode: 'ANONYMISE',
    });
    expect(res.data!.erasePersonalData).toEqual({
      mode: 'ANONYMISE',
      erased: [
        { name: 'comments', count: 2 },
        { name: 'replySubscriptions', count: 0 },
      ],
      errors: [],
    });

    const after = await page('anonymise');
    expect(after.cache).not.toBe('hit');
    expect(after.html).not.toContain('Ann Onymous-To-Be');
    expect(after.html).toContain('Anonymous');
    const now = await thread('anonymise');
    expect(now.commentCount).toBe(3);
    expect(shape(now.comments.edges)).toEqual([
      [
        'Anonymous',
        0,
        'Comment 20',
        1,
        [['Olga Other', 1, 'Comment 21', 1, [['Anonymous', 2, 'Comment 22']]]],
      ],
    ]);
    for (const id of [top.id, own.id]) {
      expect(await server.repo<CommentRow>('Comment').findOneByOrFail({ id })).toMatchObject({
        authorName: 'Anonymous',
        authorEmail: '',
        authorUrl: null,
        ip: null,
        userAgent: null,
        userId: null,
      });
    }
    // Olga's reply keeps everything.
    expect(
      await server.repo<CommentRow>('Comment').findOneByOrFail({ id: reply.id }),
    ).toMatchObject({
      authorName: 'Olga Other',
      authorEmail: 'olga@example.com',
      ip: '198.51.100.21',
    });
    const again = await server.gqlAs<{ personalData: { comments: unknown[] } }>(admin, EXPORT, {
      email: ann.email,
    });
    expect(again.data!.personalData.comments).toEqual([]);
  });

  it("REMOVE deletes the person's comments, keeps other people's replies moved up, and the counters follow", async () => {
    const post = await insertPost(server.db, { slug: 'remove' });
    const elsewhere = await insertPost(server.db, { slug: 'remove-elsewhere' });
    // Jane → Olga → Jane → Theo, and a pending comment of Jane's; Olga's own thread beside.
    const t1 = await comment(post.id, 30, jane);
    const r1 = await comment(post.id, 31, other, { parentId: t1.id, depth: 1 });
    const r2 = await comment(post.id, 32, jane, { parentId: r1.id, depth: 2 });
    await comment(post.id, 33, third, { parentId: r2.id, depth: 3 });
    await comment(post.id, 34, jane, { status: 'PENDING' });
    await comment(post.id, 35, other);
    await comment(elsewhere.id, 36, jane);
    const before = await thread('remove');
    expect(before.commentCount).toBe(5);
    expect(before.comments.totalCount).toBe(2);
    expect((await thread('remove-elsewhere')).commentCount).toBe(1);
    expect(await cachedPage('remove')).toContain('Jane Doe');

    const res = await server.gqlAs<{ erasePersonalData: unknown }>(admin, ERASE, {
      email: jane.email,
      mode: 'REMOVE',
    });
    expect(res.data!.erasePersonalData).toEqual({
      mode: 'REMOVE',
      erased: [
        { name: 'comments', count: 5 },
        { name: 'replySubscriptions', count: 0 },
      ],
      errors: [],
    });

    const after = await page('remove');
    expect(after.cache).not.toBe('hit');
    expect(after.html).not.toContain('Jane Doe');
    expect(after.html).toContain('Comment 33');
    const now = await thread('remove');
    // Olga's reply is top-level now, Theo's hangs from it; both one level up per erased parent.
    expect(now.commentCount).toBe(3);
    expect(now.comments.totalCount).toBe(2);
    expect(shape(now.comments.edges)).toEqual([
      ['Olga Other', 0, 'Comment 31', 1, [['Theo Third', 1, 'Comment 33', 0, []]]],
      ['Olga Other', 0, 'Comment 35', 0, []],
    ]);
    expect((await thread('remove-elsewhere')).commentCount).toBe(0);
    const rows = await server.repo<CommentRow>('Comment').findBy({ postId: post.id });
    expect(rows.map((r) => r.authorName).sort()).toEqual([
      'Olga Other',
      'Olga Other',
      'Theo Third',
    ]);
    expect(rows.find((r) => r.id === r1.id)).toMatchObject({
      parentId: null,
      depth: 0,
      replyCount: 1,
    });

    // A new approved reply under the moved comment counts as any other does.
    await comment(post.id, 37, third, { parentId: r1.id, depth: 1 });
    expect((await thread('remove')).commentCount).toBe(4);
  });

  it('logs each request with its actor, mode and counts, never the address', async () => {
    const text = log.text();
    expect(text).toContain('personal data erased');
    expect(text).toContain('personal data exported');
    const lines = text
      .split('\n')
      .filter((l) => l.includes('personal data erased'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        privacy: 'erase',
        actor: `user ${adminId}`,
        mode: 'REMOVE',
        counts: [
          { name: 'comments', count: 5 },
          { name: 'replySubscriptions', count: 0 },
        ],
      }),
    );
    const lower = text.toLowerCase();
    for (const address of ['jane@example.net', 'ann@example.net', 'eve@example.net'])
      expect(lower).not.toContain(address);
    // Nor any part of one: the requests' variables are not logged either.
    expect(lower).not.toContain('@example.net');
  });
});

/**
 * Another module's part, as the notifications module will add one: it joins
 * the export, and its erasure runs in the same unit of work as the comments'.
 * This one fails to erase, so the whole erasure must be undone.
 */
const subscriptions = defineModule({
  name: 'test-subscriptions',
  personalData: () => ({
    subscriptions: {
      export: async (email: string) =>
        email === 'sub@example.net' ? [{ post: 'remove', since: '2026-01-01' }] : [],
      erase: async () => {
        throw new Error('the subscriptions store is away');
      },
    },
  }),
});

describe.each(databaseKinds())('personal data with another module on %s', (kind) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    // First in the list, so erased last (parts are erased last module first): after the comments'.
    server = await startServer(kind, { modules: [subscriptions, ...appModules] });
    admin = (await signInAs(server, { email: 'admin@example.org', role: 'ADMIN' })).token;
  });
  afterAll(() => server?.close());

  it("exports every module's part, and erases all of them or none", async () => {
    const post = await insertPost(server.db, { slug: 'parts' });
    const mine = await insertComment(server.db, {
      postId: post.id,
      createdAt: new Date(Date.now() - MINUTE),
      authorName: 'Sue Scriber',
      authorEmail: 'sub@example.net',
    });
    const res = await server.gqlAs<{
      personalData: { parts: unknown[]; json: string };
    }>(admin, EXPORT, { email: 'sub@example.net' });
    expect(res.data!.personalData.parts).toEqual([
      { name: 'subscriptions', count: 1 },
      { name: 'comments', count: 1 },
      { name: 'replySubscriptions', count: 0 },
    ]);
    expect(JSON.parse(res.data!.personalData.json)).toMatchObject({
      comments: [{ id: mine.id, authorName: 'Sue Scriber' }],
      subscriptions: [{ post: 'remove', since: '2026-01-01' }],
    });

    for (const mode of ['REMOVE', 'ANONYMISE']) {
      const erased = await server.gqlAs<{ erasePersonalData: unknown }>(admin, ERASE, {
        email: 'sub@example.net',
        mode,
      });
      expect(erased.errors?.[0]?.message).toBe('Internal server error');
      // The comments' part ran first, in the same unit of work: undone with it.
      expect(
        await server.repo<CommentRow>('Comment').findOneByOrFail({ id: mine.id }),
      ).toMatchObject({ authorName: 'Sue Scriber', authorEmail: 'sub@example.net' });
      expect((await thread('parts')).commentCount).toBe(1);
    }
  });

  const thread = async (slug: string) => (await server.gql<Thread>(THREAD, { slug })).data!.post;
});
