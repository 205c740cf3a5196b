import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorRow, PostRow } from '../../src/modules/posts/entities.js';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { signedInUser, type SignedIn } from '../support/editorial.js';
import { insertComment, insertPost, setDiscussionSettings } from '../support/fixtures.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const SEED_TITLE = 'Social media surgery for mental health #smsmhealth';
const SEED_AUTHOR = 'Victoria Betton';
const SEED_COMMENT = 'Sound pretty much like a Social Media Surgery to me';
const POST_URL = `${TEST_PUBLIC_URL}/posts/${SLUG}`;
const HOST = new URL(TEST_PUBLIC_URL).hostname;
const KNOWN_EMAIL = 'known-replier@example.net';
/** A name and a text that need escaping in every format. */
const ODD_NAME = 'Ann <b> & "Co"';
const ODD_TEXT = '<script>alert("x")</script> & ]]> done';

const RFC_822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const MODERATE = `mutation($ids: [ID!]!, $status: CommentStatus!) {
  moderateComments(ids: $ids, status: $status) { errors { code } } }`;
const SUBMIT = `mutation($input: SubmitCommentInput!) {
  submitComment(input: $input) { status comment { id } errors { code } } }`;

type InReplyTo = { $: { ref: string; href: string; type: string } };
type Custom = {
  slashComments?: string;
  commentRss?: string;
  inReplyTo?: InReplyTo[];
  creator?: string;
  /** Atom: the entry's author's name (rss-parser reads it so). */
  author?: string;
  id?: string;
  links?: { $: { href: string; rel: string; 'thr:count'?: string } }[];
  contentEncoded?: string;
};
type FeedCustom = { selfLinks?: { $: { href: string; rel: string } }[]; id?: string };

/** rss-parser (xml2js in strict mode underneath): RSS 2.0 and Atom 1.0, with the extensions read as custom fields. */
const parser = new Parser<FeedCustom, Custom>({
  customFields: {
    feed: [['atom:link', 'selfLinks', { keepArray: true }] as never, 'id'],
    item: [
      ['slash:comments', 'slashComments'],
      ['wfw:commentRss', 'commentRss'],
      ['thr:in-reply-to', 'inReplyTo', { keepArray: true }],
      ['content:encoded', 'contentEncoded'],
      ['link', 'links', { keepArray: true }],
      'id',
    ] as never,
  },
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface JsonFeedDoc {
  version: string;
  title: string;
  home_page_url?: string;
  feed_url?: string;
  items: {
    id: string;
    url?: string;
    title?: string;
    content_html?: string;
    content_text?: string;
    summary?: string;
    date_published?: string;
    date_modified?: string;
    tags?: string[];
    authors?: { name?: string; url?: string }[];
  }[];
}

const FEED_TAILS = ['/feed', '/feed/atom', '/feed.json'] as const;

describe.each(databaseKinds())('feeds on %s', (kind) => {
  let server: TestServer;
  let editor: SignedIn;
  let replyId: string;
  let oddId: string;
  let quiet: PostRow;

  async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${server.url}${url}`, { headers });
    const bytes = Buffer.from(await res.arrayBuffer());
    // Valid UTF-8, or this throws.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { status: res.status, headers: res.headers, text };
  }

  async function submit(input: Record<string, unknown>): Promise<string> {
    const sent = await server.gql<{
      submitComment: { status: string; comment: { id: string } | null; errors: unknown[] };
    }>(SUBMIT, { input });
    expect(sent.data?.submitComment.errors, sent.raw).toEqual([]);
    return sent.data!.submitComment.comment!.id;
  }

  async function approve(id: string): Promise<void> {
    const res = await server.gqlAs(editor.token, MODERATE, { ids: [id], status: 'APPROVED' });
    expect(res.raw).toContain('"errors":[]');
  }

  /** An XML feed: its declaration, content type and a strict parse. */
  async function xmlFeed(url: string, type: 'rss' | 'atom') {
    const answer = await get(url);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('content-type')).toBe(`application/${type}+xml; charset=utf-8`);
    expect(answer.text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
    const feed = await parser.parseString(answer.text);
    return { answer, feed };
  }

  async function jsonFeed(url: string) {
    const answer = await get(url);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const feed = JSON.parse(answer.text) as JsonFeedDoc;
    // What JSON Feed 1.1 requires: version, title, items; each item an id and content.
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(typeof feed.title).toBe('string');
    expect(Array.isArray(feed.items)).toBe(true);
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(typeof item.content_html === 'string' || typeof item.content_text === 'string').toBe(
        true,
      );
      for (const date of [item.date_published, item.date_modified])
        if (date !== undefined) expect(date).toMatch(RFC_3339);
    }
    return { answer, feed };
  }

  /** Every date element of an XML feed, as written. */
  const datesIn = (xml: string, element: string) =>
    [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1]!);

  beforeAll(async () => {
    server = await startServer(kind, { env: { JOB_WORKER: '0' } });
    editor = await signedInUser(server, 'feed-editor@example.com', 'EDITOR');
    await setDiscussionSettings(server.db, { minSecondsBetweenComments: 0 });
    // Readers cannot see these two, nor anything on them.
    const draft = await insertPost(server.db, {
      slug: 'secret-draft',
      title: 'Secret draft title',
      status: 'DRAFT',
      publishedAt: null,
    });
    await insertComment(server.db, {
      postId: draft.id,
      createdAt: new Date(),
      authorName: 'Draft Commenter',
      contentHtml: '<p>On a draft</p>',
    });
    await insertPost(server.db, {
      slug: 'scheduled-post',
      title: 'Scheduled title',
      publishedAt: new Date(Date.now() + 86400_000),
    });
    // Published long ago, so it is not the site feed's newest; no comments yet.
    quiet = await insertPost(server.db, {
      slug: 'quiet-post',
      title: 'Quiet post',
      publishedAt: new Date('2010-01-01T00:00:00Z'),
    });
    // A reply to the seed comment, held (a new address), then approved.
    replyId = await submit({
      postId: '1',
      parentId: '1',
      authorName: 'Rita Replier',
      authorEmail: KNOWN_EMAIL,
      authorUrl: 'https://rita.example.com/',
      content: 'A threaded reply for the feed',
    });
    await approve(replyId);
    oddId = await submit({
      postId: '1',
      authorName: ODD_NAME,
      authorEmail: 'odd@example.net',
      content: ODD_TEXT,
    });
    await approve(oddId);
    // Held, and never approved.
    await submit({
      postId: '1',
      authorName: 'Pending Person',
      authorEmail: 'pending@example.net',
      content: 'Pending words never shown',
    });
  });
  afterAll(() => server.close());

  it('RSS of the latest posts: titles, links, tag, author, comment count and feed, self link, RFC 822 dates', async () => {
    const { answer, feed } = await xmlFeed('/feed', 'rss');
    expect(feed.title).toBe('Colloquy');
    expect(feed.link).toBe(`${TEST_PUBLIC_URL}/`);
    expect(feed.selfLinks?.map((l) => l.$)).toEqual([
      { href: `${TEST_PUBLIC_URL}/feed`, rel: 'self', type: 'application/rss+xml' },
    ]);
    expect(feed.items.map((i) => i.title)).toEqual([SEED_TITLE, 'Quiet post']);
    const [seed] = feed.items;
    expect(seed!.link).toBe(POST_URL);
    expect(seed!.guid).toBe(`tag:${HOST},2024:post/1`);
    expect(seed!.categories).toEqual(['smsmhealth']);
    expect(seed!.creator).toBe(SEED_AUTHOR);
    // The seed comment and the two approved here; not the held one.
    expect(seed!.slashComments).toBe('3');
    expect(seed!.commentRss).toBe(`${POST_URL}/feed`);
    expect(seed!.contentEncoded).toContain('<a href="https://twitter.com/changeleeds">');
    expect(seed!.content).toContain('first ever social media surgery');
    expect(seed!.pubDate).toBe('Fri, 26 Oct 2012 18:30:00 GMT');
    const dates = [...datesIn(answer.text, 'pubDate'), ...datesIn(answer.text, 'lastBuildDate')];
    expect(dates).toHaveLength(3);
    for (const d of dates) expect(d).toMatch(RFC_822);
    expect(answer.text).not.toContain('Secret draft');
    expect(answer.text).not.toContain('Scheduled title');
  });

  it('Atom of the latest posts: ids, self link, replies link with its count, categories, RFC 3339 dates', async () => {
    const { answer, feed } = await xmlFeed('/feed/atom', 'atom');
    expect(feed.title).toBe('Colloquy');
    expect(feed.id).toBe(`tag:${HOST},2024:posts`);
    expect(answer.text).toContain(
      `<link href="${TEST_PUBLIC_URL}/feed/atom" rel="self" type="application/atom+xml"/>`,
    );
    expect(feed.items.map((i) => i.title)).toEqual([SEED_TITLE, 'Quiet post']);
    const [seed] = feed.items;
    expect(seed!.id).toBe(`tag:${HOST},2024:post/1`);
    expect(seed!.link).toBe(POST_URL);
    expect(seed!.author).toBe(SEED_AUTHOR);
    expect(seed!.links!.map((l) => l.$)).toEqual([
      { href: POST_URL, rel: 'alternate', type: 'text/html' },
      {
        href: `${POST_URL}/feed/atom`,
        rel: 'replies',
        type: 'application/atom+xml',
        'thr:count': '3',
      },
    ]);
    expect(answer.text).toContain('<category term="smsmhealth"');
    expect(seed!.summary).toContain('first ever social media surgery');
    const dates = [...datesIn(answer.text, 'updated'), ...datesIn(answer.text, 'published')];
    // The feed's updated, and each entry's published and updated.
    expect(dates).toHaveLength(5);
    for (const d of dates) expect(d).toMatch(RFC_3339);
    expect(datesIn(answer.text, 'published')[0]).toBe('2012-10-26T18:30:00.000Z');
  });

  it('JSON Feed of the latest posts: feed_url, tags, authors, content and excerpt', async () => {
    const { feed } = await jsonFeed('/feed.json');
    expect(feed.feed_url).toBe(`${TEST_PUBLIC_URL}/feed.json`);
    expect(feed.home_page_url).toBe(`${TEST_PUBLIC_URL}/`);
    expect(feed.items.map((i) => i.title)).toEqual([SEED_TITLE, 'Quiet post']);
    const [seed] = feed.items;
    expect(seed!.id).toBe(`tag:${HOST},2024:post/1`);
    expect(seed!.url).toBe(POST_URL);
    expect(seed!.tags).toEqual(['smsmhealth']);
    expect(seed!.authors).toEqual([{ name: SEED_AUTHOR, url: expect.any(String) }]);
    expect(seed!.content_html).toContain('<p>Today was our first ever social media surgery');
    expect(seed!.summary).toMatch(/^Today was our first ever/);
    expect(seed!.date_published).toBe('2012-10-26T18:30:00.000Z');
  });

  it("a tag's feeds hold its published posts; an unknown tag is a 404 in text", async () => {
    const rss = await xmlFeed('/tag/smsmhealth/feed', 'rss');
    expect(rss.feed.items.map((i) => i.title)).toEqual([SEED_TITLE]);
    expect(rss.feed.selfLinks?.[0]?.$.href).toBe(`${TEST_PUBLIC_URL}/tag/smsmhealth/feed`);
    const atom = await xmlFeed('/tag/smsmhealth/feed/atom', 'atom');
    expect(atom.feed.items.map((i) => i.id)).toEqual([`tag:${HOST},2024:post/1`]);
    const json = await jsonFeed('/tag/smsmhealth/feed.json');
    expect(json.feed.feed_url).toBe(`${TEST_PUBLIC_URL}/tag/smsmhealth/feed.json`);
    expect(json.feed.items.map((i) => i.title)).toEqual([SEED_TITLE]);
    for (const tail of FEED_TAILS) {
      const missing = await get(`/tag/no-such-tag${tail}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(missing.text).toContain('No such tag');
    }
  });

  it("a post's comments feeds: approved comments only, newest first, threaded, escaped", async () => {
    const rss = await xmlFeed(`/posts/${SLUG}/feed`, 'rss');
    expect(rss.feed.title).toBe(`Comments on: ${SEED_TITLE}`);
    expect(rss.feed.items.map((i) => i.creator)).toEqual([ODD_NAME, 'Rita Replier', 'Sam Hughes']);
    expect(rss.feed.items.map((i) => i.title)).toEqual([
      `By: ${ODD_NAME}`,
      'By: Rita Replier',
      'By: Sam Hughes',
    ]);
    expect(rss.feed.items[1]!.link).toBe(`${POST_URL}#comment-${replyId}`);
    expect(rss.feed.items[1]!.guid).toBe(`tag:${HOST},2024:comment/${replyId}`);
    for (const d of datesIn(rss.answer.text, 'pubDate')) expect(d).toMatch(RFC_822);
    // The comment's text, as the app rendered it to HTML: its markup is text.
    expect(rss.feed.items[0]!.contentEncoded).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ]]&gt; done</p>',
    );

    const atom = await xmlFeed(`/posts/${SLUG}/feed/atom`, 'atom');
    const [odd, reply, seed] = atom.feed.items;
    expect(reply!.author).toBe('Rita Replier');
    // Threading (RFC 4685): a reply names its parent comment, a top-level comment the post.
    expect(reply!.inReplyTo?.map((r) => r.$)).toEqual([
      { ref: `tag:${HOST},2024:comment/1`, href: `${POST_URL}#comment-1`, type: 'text/html' },
    ]);
    expect(seed!.inReplyTo?.map((r) => r.$)).toEqual([
      { ref: `tag:${HOST},2024:post/1`, href: POST_URL, type: 'text/html' },
    ]);
    expect(seed!.content).toBe(`<p>${SEED_COMMENT}</p>`);
    expect(odd!.author).toBe(ODD_NAME);
    expect(atom.answer.text).toContain(
      `<link href="${POST_URL}/feed/atom" rel="self" type="application/atom+xml"/>`,
    );
    for (const d of datesIn(atom.answer.text, 'updated')) expect(d).toMatch(RFC_3339);

    const json = await jsonFeed(`/posts/${SLUG}/feed.json`);
    expect(json.feed.feed_url).toBe(`${POST_URL}/feed.json`);
    expect(json.feed.items.map((i) => i.authors?.[0]?.name)).toEqual([
      ODD_NAME,
      'Rita Replier',
      'Sam Hughes',
    ]);
    expect(json.feed.items[1]!.authors).toEqual([
      { name: 'Rita Replier', url: 'https://rita.example.com/' },
    ]);
    for (const answer of [rss.answer, atom.answer, json.answer]) {
      expect(answer.text).not.toContain('Pending words');
      expect(answer.text).not.toContain('<script>');
    }
  });

  it("a draft's, a scheduled post's and an unknown post's comments feeds are 404s", async () => {
    for (const slug of ['secret-draft', 'scheduled-post', 'no-such-post'])
      for (const tail of FEED_TAILS) {
        const answer = await get(`/posts/${slug}${tail}`);
        expect(answer.status, `${slug}${tail}`).toBe(404);
        expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(answer.text).toContain('No such post');
      }
  });

  it("the site's comments feeds: every visible post's approved comments, with their post", async () => {
    const rss = await xmlFeed('/comments/feed', 'rss');
    expect(rss.feed.items.map((i) => i.title)).toEqual([
      `Comment on ${SEED_TITLE} by ${ODD_NAME}`,
      `Comment on ${SEED_TITLE} by Rita Replier`,
      `Comment on ${SEED_TITLE} by Sam Hughes`,
    ]);
    expect(rss.feed.items[1]!.inReplyTo?.[0]?.$.ref).toBe(`tag:${HOST},2024:comment/1`);
    const atom = await xmlFeed('/comments/feed/atom', 'atom');
    expect(atom.feed.id).toBe(`tag:${HOST},2024:comments`);
    expect(atom.feed.items).toHaveLength(3);
    const json = await jsonFeed('/comments/feed.json');
    expect(json.feed.feed_url).toBe(`${TEST_PUBLIC_URL}/comments/feed.json`);
    expect(json.feed.items.map((i) => i.id)).toEqual([
      `tag:${HOST},2024:comment/${oddId}`,
      `tag:${HOST},2024:comment/${replyId}`,
      `tag:${HOST},2024:comment/1`,
    ]);
    for (const answer of [rss.answer, atom.answer, json.answer]) {
      expect(answer.text).not.toContain('On a draft');
      expect(answer.text).not.toContain('Pending words');
    }
  });

  it('no feed carries an email address: no commenter’s, no author’s', async () => {
    const emails = [
      ...(await server.repo<CommentRow>('Comment').find()).map((c) => c.authorEmail),
      ...(await server.repo<AuthorRow>('Author').find()).map((a) => a.email),
    ];
    expect(emails).toContain(KNOWN_EMAIL);
    for (const base of ['', '/comments', '/tag/smsmhealth', `/posts/${SLUG}`])
      for (const tail of FEED_TAILS) {
        const { status, text } = await get(`${base}${tail}`);
        expect(status).toBe(200);
        for (const email of emails) expect(text, `${base}${tail}`).not.toContain(email);
      }
  });

  it('conditional GET: ETag and Last-Modified answer 304, from the cache and when built anew', async () => {
    const first = await get(`/posts/${SLUG}/feed`);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    // The newest item's date: the latest approved comment's.
    const newest = await server.repo<CommentRow>('Comment').findOneByOrFail({ id: Number(oddId) });
    expect(lastModified).toBe(
      new Date(Math.floor(newest.createdAt.getTime() / 1000) * 1000).toUTCString(),
    );
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=0/);

    const byTag = await get(`/posts/${SLUG}/feed`, { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get('x-cache')).toBe('hit');
    const byDate = await get(`/posts/${SLUG}/feed`, { 'if-modified-since': lastModified });
    expect(byDate.status).toBe(304);
    const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await get(`/posts/${SLUG}/feed`, { 'if-modified-since': older })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110).
    const stale = await get(`/posts/${SLUG}/feed`, {
      'if-none-match': '"other"',
      'if-modified-since': lastModified,
    });
    expect(stale.status).toBe(200);

    // Dropped from the cache (a moderation of the post's comments names it): built anew,
    // kept, and answered 304 all the same.
    await approve(oddId);
    const fresh = await get(`/posts/${SLUG}/feed/atom`, {
      'if-modified-since': new Date(Date.now() + 86400_000).toUTCString(),
    });
    expect(fresh.status).toBe(304);
    expect(fresh.headers.get('x-cache')).toBe('miss, stored');
    expect(fresh.text).toBe('');
  });

  it('approving a comment shows it at once in the cached comments feeds', async () => {
    const warm = async (url: string) => {
      await get(url);
      const again = await get(url);
      expect(again.headers.get('x-cache'), url).toBe('hit');
      return again;
    };
    const before = await warm('/comments/feed');
    const postFeed = `/posts/quiet-post/feed.json`;
    await warm(postFeed);
    // On a post none of whose comments the site feed shows: only the comments tag can drop it.
    expect(before.text).not.toContain('Quiet post');
    const id = await submit({
      postId: String(quiet.id),
      authorName: 'Late Arrival',
      authorEmail: 'late@example.net',
      content: 'Approved and seen at once',
    });
    const held = await get('/comments/feed');
    expect(held.headers.get('x-cache')).toBe('hit');
    expect(held.text).not.toContain('Approved and seen at once');

    await approve(id);
    const after = await get('/comments/feed');
    expect(after.headers.get('x-cache')).toBe('miss, stored');
    const parsed = await parser.parseString(after.text);
    expect(parsed.items[0]!.title).toBe('Comment on Quiet post by Late Arrival');
    const json = JSON.parse((await get(postFeed)).text) as JsonFeedDoc;
    expect(json.items.map((i) => i.authors?.[0]?.name)).toEqual(['Late Arrival']);

    // Taken back: gone again.
    const trashed = await server.gqlAs(editor.token, MODERATE, { ids: [id], status: 'TRASH' });
    expect(trashed.raw).toContain('"errors":[]');
    expect((await get('/comments/feed')).text).not.toContain('Late Arrival');
  });

  it('the home, tag and post pages link to their feeds (autodiscovery)', async () => {
    const html = async (url: string) => (await get(url, { accept: 'text/html' })).text;
    const alternates = (page: string) =>
      [
        ...page.matchAll(/<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">/g),
      ].map((m) => `${m[1]} ${m[3]}`);
    const all = (base: string) => [
      `application/rss+xml ${TEST_PUBLIC_URL}${base}/feed`,
      `application/atom+xml ${TEST_PUBLIC_URL}${base}/feed/atom`,
      `application/feed+json ${TEST_PUBLIC_URL}${base}/feed.json`,
    ];
    expect(alternates(await html('/'))).toEqual([...all(''), ...all('/comments')]);
    expect(alternates(await html('/tag/smsmhealth'))).toEqual(all('/tag/smsmhealth'));
    expect(alternates(await html(`/posts/${SLUG}`))).toEqual(all(`/posts/${SLUG}`));
    expect(await html(`/posts/${SLUG}`)).toContain(`title="Comments on: ${SEED_TITLE} (RSS)"`);
  });
});
