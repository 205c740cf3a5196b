import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { colloquy as run } from '../support/cli.js';
import { signedInUser } from '../support/editorial.js';
import {
  databaseKinds,
  freshDatabase,
  startServer,
  TEST_PUBLIC_URL,
  type TestServer,
} from '../support/server.js';

// WXR files written by WordPress 6.1's own exporter (see test/fixtures/wordpress/README.md).
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/wordpress');
const CASES = path.join(FIXTURES, 'wordpress-6.1-cases.xml');
const THREAD = path.join(FIXTURES, 'wordpress-6.1-export.xml');
const SLOW = 300_000;

/** The CLI, with room for a loaded machine (an import starts Node and tsx, and reads the file twice). */
const colloquy = (db: DatabaseConfig, args: string[]) => run(db, args, '', 'node', 90_000);

interface EditorPost {
  id: string;
  slug: string;
  title: string;
  status: string;
  content: string;
  excerpt: string;
  publishedAt: string | null;
  commentsOpen: boolean;
  pingsOpen: boolean;
  commentCount: number;
  linkbackCount: number;
  author: { name: string };
  tags: { name: string; slug: string }[];
}

const EDITOR_POSTS = `query { editorPosts(first: 100) { edges { node {
  id slug title status content excerpt publishedAt commentsOpen pingsOpen commentCount linkbackCount
  author { name } tags { name slug } } } } }`;

const THREAD_QUERY = `query($slug: String!) { post(slug: $slug) {
  title commentCount linkbackCount
  comments(first: 100) { totalCount edges { node { authorName content
    replies(first: 100) { edges { node { authorName content
      replies(first: 100) { edges { node { authorName content } } } } } } } } }
  linkbacks(first: 100) { edges { node { kind sourceUrl title excerpt blogName } } } } }`;

interface ThreadNode {
  authorName: string;
  content: string;
  replies?: { edges: { node: ThreadNode }[] };
}
interface Thread {
  title: string;
  commentCount: number;
  linkbackCount: number;
  comments: { totalCount: number; edges: { node: ThreadNode }[] };
  linkbacks: {
    edges: {
      node: {
        kind: string;
        sourceUrl: string;
        title: string | null;
        excerpt: string | null;
        blogName: string | null;
      };
    }[];
  };
}

/** A thread as nested [author, replies] pairs: its structure, for comparing two sites. */
const shape = (nodes: { node: ThreadNode }[]): unknown[] =>
  nodes.map(({ node }) => [node.authorName, shape(node.replies?.edges ?? [])]);

const bySlug = (posts: EditorPost[]) => new Map(posts.map((p) => [p.slug, p]));

describe.each(databaseKinds())('WordPress import and export on %s', (kind) => {
  let db: DatabaseConfig;
  let drop: () => Promise<void>;
  let server: TestServer;
  let token: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-wxr-'));
  let firstRun: Awaited<ReturnType<typeof colloquy>>;

  const editorPosts = async () => {
    const res = await server.gqlAs<{ editorPosts: { edges: { node: EditorPost }[] } }>(
      token,
      EDITOR_POSTS,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.editorPosts.edges.map((e) => e.node);
  };
  const thread = async (s: TestServer, slug: string) => {
    const res = await s.gql<{ post: Thread | null }>(THREAD_QUERY, { slug });
    expect(res.errors).toBeUndefined();
    return res.data!.post;
  };

  beforeAll(async () => {
    ({ db, drop } = await freshDatabase(kind));
    firstRun = await colloquy(db, ['import:wxr', CASES]);
    server = await startServer(kind, { database: db });
    ({ token } = await signedInUser(server, 'admin@example.org', 'ADMIN'));
  }, SLOW);
  afterAll(async () => {
    await server?.close();
    await drop?.();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports the posts with their slugs, statuses, dates, authors, tags and discussion settings', async () => {
    expect(firstRun.code).toBe(0);
    expect(firstRun.stdout).toMatch(
      /^ {2}posts {6}imported 6, updated 0, skipped 2 \(1 a page \(Colloquy has posts only\); 1 an attachment \(media files are not imported\)\)$/m,
    );
    expect(firstRun.stdout).toMatch(/^ {2}comments {3}imported 6, /m);
    expect(firstRun.stdout).toMatch(/^ {2}linkbacks {2}imported 3, /m);
    expect(firstRun.stdout).toMatch(/^ {2}authors {4}imported 2, /m);
    expect(firstRun.stdout).toContain('1 × [gallery] removed (attachments are not imported)');
    // Progress on stderr, as plain lines (not a terminal here).
    expect(firstRun.stderr).toMatch(/colloquy: import 100%: 17\/17 items/);

    const posts = bySlug(await editorPosts());
    const classic = posts.get('social-media-surgery')!;
    expect(classic).toMatchObject({
      title: 'Social media surgery for mental health — café edition',
      status: 'PUBLISHED',
      publishedAt: '2013-05-21T09:30:00.000Z',
      excerpt: 'How the café surgery went.',
      commentsOpen: true,
      pingsOpen: true,
      author: { name: 'Jo Hartwell' },
    });
    expect(classic.tags.map((t) => t.name).sort()).toEqual(
      ['Café Society', 'Mental Health', 'smsmhealth', '日本語'].sort(),
    );
    expect(classic.tags.find((t) => t.name === '日本語')!.slug).toBe('e6-97-a5-e6-9c-ac-e8-aa-9e');
    // Paragraphs made explicit, [caption] a figure, [gallery] gone, non-ASCII text intact.
    expect(classic.content).toContain(
      '<p>The surgery met in the café on Tuesday. Straße, naïve, 日本語 and emoji 🎉 all came along.</p>',
    );
    expect(classic.content).toMatch(
      /<figure><img src="http:\/\/blog\.example\.org\/wp-content\/uploads\/2013\/05\/room\.jpg" alt="The room" width="300" height="200" \/><figcaption>The room, full<\/figcaption><\/figure>/,
    );
    expect(classic.content).toContain(
      '<p>A second paragraph<br />\nwith a line break and a <a href="http://example.net/">link</a>.</p>',
    );
    expect(classic.content).not.toMatch(/\[\/?(caption|gallery)/);

    const block = posts.get('block-editor-post')!;
    expect(block).toMatchObject({
      status: 'PUBLISHED',
      commentsOpen: false,
      pingsOpen: false,
      author: { name: 'Zoë Ünal' },
    });
    expect(block.content).not.toContain('wp:');
    expect(block.content).toContain('<h2>A heading</h2>');
    expect(block.content).toContain('<ul><li>one</li><li>two</li></ul>');

    // draft, pending and private are drafts; future is scheduled. Drafts had no post_name.
    expect(posts.get('a-draft-about-zurich')).toMatchObject({ status: 'DRAFT', publishedAt: null });
    expect(posts.get('pending-review')).toMatchObject({ status: 'DRAFT' });
    expect(posts.get('private-notes')).toMatchObject({ status: 'DRAFT' });
    expect(posts.get('scheduled-post')).toMatchObject({
      status: 'SCHEDULED',
      publishedAt: '2031-01-01T09:00:00.000Z',
    });
    // The page, the attachment and Uncategorized are not there.
    expect([...posts.values()].map((p) => p.title)).not.toContain('About');
    expect([...posts.values()].map((p) => p.title)).not.toContain('room');
    expect([...posts.values()].flatMap((p) => p.tags.map((t) => t.name))).not.toContain(
      'Uncategorized',
    );

    // Readers see the published ones only.
    const list = await server.gql<{ posts: { edges: { node: { slug: string } }[] } }>(
      '{ posts(first: 20) { edges { node { slug } } } }',
    );
    expect(list.data!.posts.edges.map((e) => e.node.slug).sort()).toEqual(
      [
        'block-editor-post',
        'social-media-surgery',
        'social-media-surgery-for-mental-health-smsmhealth',
      ].sort(),
    );
  });

  it('imports the thread: replies, statuses, linkbacks by kind, counters right, markup neutralised', async () => {
    const post = (await thread(server, 'social-media-surgery'))!;
    // Approved and reachable: Ann, Jo's reply, Ann's reply to it, Mallory. Not: pending, trash.
    expect(post.commentCount).toBe(4);
    expect(post.comments.totalCount).toBe(2);
    expect(shape(post.comments.edges)).toEqual([
      ['Ann Reader', [['Jo Hartwell', [['Ann Reader', []]]]]],
      ['Mallory', []],
    ]);
    const [ann, mallory] = post.comments.edges.map((e) => e.node);
    expect(ann!.content).toBe(
      '<p>Sound pretty much like a Social Media Surgery to me.</p>\n<p>Second paragraph.</p>',
    );
    expect(mallory!.content).toBe('<p>Nice post bold click</p>');
    expect(post.linkbackCount).toBe(2);
    expect(post.linkbacks.edges.map((e) => e.node)).toEqual([
      {
        kind: 'PINGBACK',
        sourceUrl: 'http://einblog.example.de/2013/05/tuesday-links/',
        title: 'Ein Blog » Tuesday links',
        excerpt: '[…] the surgery write-up is worth a read […]',
        blogName: null,
      },
      {
        kind: 'TRACKBACK',
        sourceUrl: 'http://other.example.com/trackback-source/',
        title: 'Surgery notes',
        excerpt: 'A trackback excerpt.',
        blogName: 'Other Blog',
      },
    ]);
    // Emails and IPs are not public.
    const raw = (await server.gql(THREAD_QUERY, { slug: 'social-media-surgery' })).raw;
    expect(raw).not.toMatch(/reader@example\.com|192\.0\.2\.10|alert/);

    // The moderation queue has the held and the trashed ones, with their private fields.
    const queue = await server.gqlAs<{
      comments: {
        edges: { node: { authorName: string; status: string; authorEmail: string; ip: string } }[];
      };
    }>(token, '{ comments(first: 50) { edges { node { authorName status authorEmail ip } } } }');
    expect(queue.errors).toBeUndefined();
    const statuses = new Map(queue.data!.comments.edges.map((e) => [e.node.authorName, e.node]));
    expect(statuses.get('Pending Pat')).toMatchObject({
      status: 'PENDING',
      authorEmail: 'pat@example.com',
      ip: '198.51.100.7',
    });
    expect(statuses.get('Trashed Tom')).toMatchObject({ status: 'TRASH' });
  });

  it('answers the old permalinks and ?p= with a 301 to the post; others stay 404', async () => {
    const get = (p: string) => fetch(`${server.url}${p}`, { redirect: 'manual' });
    for (const old of [
      '/2013/05/21/social-media-surgery/',
      '/2013/05/21/social-media-surgery',
      '/?p=4',
    ]) {
      const res = await get(old);
      expect(res.status, old).toBe(301);
      expect(res.headers.get('location')).toBe(`${TEST_PUBLIC_URL}/posts/social-media-surgery`);
    }
    expect((await get('/2013/06/01/block-editor-post/')).headers.get('location')).toBe(
      `${TEST_PUBLIC_URL}/posts/block-editor-post`,
    );
    // A draft's and a scheduled post's old URLs lead nowhere yet; the home page stays the home page.
    expect((await get('/?p=6')).status).toBe(200);
    expect((await get('/?p=9')).status).toBe(200);
    expect((await get('/2001/01/01/never-was/')).status).toBe(404);
  });

  it(
    'imports nothing new on a second run, and says so',
    async () => {
      const before = await editorPosts();
      const again = await colloquy(db, ['import:wxr', CASES]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(
        'nothing new to import: everything in this file was imported before',
      );
      expect(again.stdout).toMatch(
        /^ {2}comments {3}imported 0, updated 0, skipped 6 \(6 imported before\)$/m,
      );
      expect(await editorPosts()).toEqual(before);
      expect((await thread(server, 'social-media-surgery'))!.commentCount).toBe(4);
    },
    SLOW,
  );

  it(
    '--dry-run reports what it would import and writes nothing; the import then does it',
    async () => {
      const before = await editorPosts();
      const dry = await colloquy(db, ['import:wxr', THREAD, '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('nothing was written');
      expect(dry.stdout).toMatch(/^ {2}posts {6}would import 1, /m);
      expect(dry.stdout).toMatch(/^ {2}comments {3}would import 50, /m);
      expect(dry.stdout).toMatch(/^ {2}linkbacks {2}would import 3, /m);
      expect(await editorPosts()).toEqual(before);

      const real = await colloquy(db, ['import:wxr', THREAD]);
      expect(real.code).toBe(0);
      const posts = await editorPosts();
      expect(posts).toHaveLength(before.length + 1);
      const imported = posts.find((p) => !before.some((b) => b.id === p.id))!;
      const t = (await thread(server, imported.slug))!;
      // Every comment of the export is approved and reachable; threads by wp:comment_parent.
      expect(t.commentCount).toBe(50);
      expect(t.linkbackCount).toBe(3);
      const count = (nodes: { node: ThreadNode }[]): number =>
        nodes.reduce((n, { node }) => n + 1 + count(node.replies?.edges ?? []), 0);
      expect(count(t.comments.edges)).toBe(50);
      expect(t.comments.totalCount).toBe(t.comments.edges.length);
      expect(t.comments.edges.some((e) => (e.node.replies?.edges.length ?? 0) > 0)).toBe(true);
    },
    SLOW,
  );

  it(
    'stops on a truncated or malformed file with one line saying where, and writes nothing',
    async () => {
      const before = await editorPosts();
      const text = fs.readFileSync(CASES, 'utf8');
      const truncated = path.join(tmp, 'truncated.xml');
      fs.writeFileSync(truncated, text.slice(0, Math.floor(text.length * 0.9)));
      const lines = text.slice(0, Math.floor(text.length * 0.9)).split('\n');
      const cut = await colloquy(db, ['import:wxr', truncated]);
      expect(cut.code).toBe(1);
      expect(cut.stdout).toBe('');
      const cutErrors = cut.stderr
        .split('\n')
        .filter((l) => l.startsWith('colloquy: ') && !l.includes('import '));
      expect(cutErrors).toEqual([
        expect.stringMatching(
          new RegExp(
            `^colloquy: .*truncated\\.xml: line ${lines.length}, column \\d+: the file ends inside <[^>]+> \\(truncated\\?\\)$`,
          ),
        ),
      ]);

      // A bad closing tag in the last item: the posts before it are not imported either.
      const at = text.lastIndexOf('</wp:post_name>');
      const line = text.slice(0, at).split('\n').length;
      // Where the parser found it out: the `>` of the bad tag (1-based).
      const column = at - text.lastIndexOf('\n', at - 1) + '</wp:post_nam>'.length - 1;
      const bad = path.join(tmp, 'bad.xml');
      fs.writeFileSync(
        bad,
        text.slice(0, at) + '</wp:post_nam>' + text.slice(at + '</wp:post_name>'.length),
      );
      const fresh = await freshDatabase(kind);
      try {
        const res = await colloquy(fresh.db, ['import:wxr', bad]);
        expect(res.code).toBe(1);
        expect(res.stderr).toContain(
          `bad.xml: line ${line}, column ${column}: malformed XML: unexpected close tag.`,
        );
        const s = await startServer(kind, { database: fresh.db });
        try {
          const list = await s.gql<{ posts: { edges: { node: { slug: string } }[] } }>(
            '{ posts(first: 20) { edges { node { slug } } } }',
          );
          expect(list.data!.posts.edges.map((e) => e.node.slug)).toEqual([
            'social-media-surgery-for-mental-health-smsmhealth',
          ]);
        } finally {
          await s.close();
        }
      } finally {
        await fresh.drop();
      }

      const missing = await colloquy(db, ['import:wxr', path.join(tmp, 'nope.xml')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/nope\.xml: no such file$/m);
      const notWxr = path.join(tmp, 'feed.xml');
      fs.writeFileSync(
        notWxr,
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n',
      );
      const atom = await colloquy(db, ['import:wxr', notWxr]);
      expect(atom.code).toBe(1);
      expect(atom.stderr).toMatch(
        /feed\.xml: line 2, column \d+: not a WordPress export: the root element is <feed>, not <rss>$/m,
      );
      expect(await editorPosts()).toEqual(before);
    },
    SLOW,
  );

  it(
    'exports WXR 1.2 that imports into an empty Colloquy as the same posts, threads and counts',
    async () => {
      const before = await editorPosts();
      const file = path.join(tmp, 'export.xml');
      const exported = await colloquy(db, ['export:wxr', file]);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toMatch(
        new RegExp(
          `^colloquy: exported ${before.length} posts, \\d+ comments and \\d+ linkbacks to .*export\\.xml \\(WXR 1\\.2\\)$`,
          'm',
        ),
      );
      const xml = fs.readFileSync(file, 'utf8');
      expect(xml).toContain('<wp:wxr_version>1.2</wp:wxr_version>');
      expect(xml).toContain('<wp:comment_type><![CDATA[pingback]]></wp:comment_type>');
      expect(xml).toContain('<wp:comment_type><![CDATA[trackback]]></wp:comment_type>');
      // Not over an existing file without --force.
      const refused = await colloquy(db, ['export:wxr', file]);
      expect(refused).toMatchObject({ code: 1 });
      expect(refused.stderr).toContain('exists already (add --force to replace it)');

      const target = await freshDatabase(kind);
      let other: TestServer | undefined;
      try {
        const imported = await colloquy(target.db, ['import:wxr', file]);
        expect(imported.code).toBe(0);
        other = await startServer(kind, { database: target.db });
        const { token: otherToken } = await signedInUser(other, 'admin@example.org', 'ADMIN');
        const res = await other.gqlAs<{ editorPosts: { edges: { node: EditorPost }[] } }>(
          otherToken,
          EDITOR_POSTS,
        );
        const after = bySlug(res.data!.editorPosts.edges.map((e) => e.node));
        // The target's own seed post is there too; copies whose slug it (or an
        // earlier copy) took got -2, -3 …: posts are matched by all but slug and id.
        expect(after.size).toBe(before.length + 1);
        const strip = ({ id: _id, slug: _slug, ...p }: EditorPost) => ({
          ...p,
          tags: [...p.tags].sort((a, b) => a.slug.localeCompare(b.slug)),
        });
        const unmatched = [...after.values()];
        for (const post of before) {
          const i = unmatched.findIndex(
            (c) =>
              c.slug.startsWith(post.slug) &&
              JSON.stringify(strip(c)) === JSON.stringify(strip(post)),
          );
          expect(i, post.slug).toBeGreaterThanOrEqual(0);
          const [copy] = unmatched.splice(i, 1);
          const slug = copy!.slug;
          expect(strip(copy!), slug).toEqual(strip(post));
          if (post.status === 'PUBLISHED') {
            const a = (await thread(server, post.slug))!;
            const b = (await thread(other, slug))!;
            expect(shape(b.comments.edges), slug).toEqual(shape(a.comments.edges));
            expect(b.linkbacks.edges, slug).toEqual(a.linkbacks.edges);
            expect(b.comments.edges, slug).toEqual(a.comments.edges);
          }
        }
      } finally {
        await other?.close();
        await target.drop();
      }
    },
    SLOW,
  );
});
