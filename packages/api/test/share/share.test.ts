import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPost } from '../support/fixtures.js';
import type { PostRow } from '../../src/modules/posts/entities.js';
import type { ShareTargetRow } from '../../src/modules/share/entities.js';
import { databaseKinds, startServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';
const SEED_TITLE = 'Social media surgery for mental health #smsmhealth';

const SHOWN = [
  { key: 'twitter', name: 'Twitter', label: 'Tweet about this on Twitter' },
  { key: 'reddit', name: 'Reddit', label: 'Share on Reddit' },
  { key: 'tumblr', name: 'Tumblr', label: 'Share on Tumblr' },
  { key: 'linkedin', name: 'LinkedIn', label: 'Share on LinkedIn' },
  { key: 'facebook', name: 'Facebook', label: 'Share on Facebook' },
  { key: 'pinterest', name: 'Pinterest', label: 'Pin on Pinterest' },
];

interface ShareLinkResult {
  target: { key: string; name: string; label: string };
  url: string;
}
interface PostShare {
  post: { url: string; title: string; excerpt: string; shareLinks: ShareLinkResult[] } | null;
}

const POST_SHARE = `query($slug: String!) { post(slug: $slug) {
  url title excerpt shareLinks { target { key name label } url } } }`;

/** The expected link of each target, built by hand from the seed's templates. */
function expectedLinks(subject: { url: string; title: string; excerpt: string }) {
  const url = encodeURIComponent(subject.url);
  const title = encodeURIComponent(subject.title);
  const excerpt = encodeURIComponent(subject.excerpt);
  return {
    twitter: `https://twitter.com/intent/tweet?text=${title}&url=${url}`,
    reddit: `https://www.reddit.com/submit?url=${url}&title=${title}`,
    tumblr: `https://www.tumblr.com/widgets/share/tool?canonicalUrl=${url}&title=${title}&caption=${excerpt}`,
    linkedin: `https://www.linkedin.com/sharing/share-offsite/?url=${url}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${url}`,
    pinterest: `https://pinterest.com/pin/create/button/?url=${url}&description=${title}`,
  };
}

describe.each(databaseKinds())('share links on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(() => server?.close());

  const targets = () => server.repo<ShareTargetRow>('ShareTarget');

  const addPost = (fields: Partial<PostRow> & { slug: string }) => insertPost(server.db, fields);

  async function shareLinks(slug: string): Promise<ShareLinkResult[]> {
    const res = await server.gql<PostShare>(POST_SHARE, { slug });
    expect(res.errors).toBeUndefined();
    expect(res.data!.post).not.toBeNull();
    return res.data!.post!.shareLinks;
  }

  it('gives exactly the six enabled targets in seed order, with their labels', async () => {
    const links = await shareLinks(SEED_SLUG);
    expect(links.map((l) => l.target)).toEqual(SHOWN);
  });

  it('fills the seed post into each link', async () => {
    const res = await server.gql<PostShare>(POST_SHARE, { slug: SEED_SLUG });
    const post = res.data!.post!;
    expect(post.url).toBe(`${TEST_PUBLIC_URL}/posts/${SEED_SLUG}`);
    const expected = expectedLinks(post);
    expect(Object.fromEntries(post.shareLinks.map((l) => [l.target.key, l.url]))).toEqual(expected);
    expect(expected.twitter).toBe(
      'https://twitter.com/intent/tweet?text=Social%20media%20surgery%20for%20mental%20health%20%23smsmhealth' +
        '&url=https%3A%2F%2Fblog.example.org%2Fposts%2Fsocial-media-surgery-for-mental-health-smsmhealth',
    );
    expect(new URL(expected.twitter).searchParams.get('text')).toBe(SEED_TITLE);
  });

  it('lists the same six targets, in the same order, in shareTargets', async () => {
    const res = await server.gql<{ shareTargets: { key: string; name: string; label: string }[] }>(
      `{ shareTargets { key name label } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.shareTargets).toEqual(SHOWN);
  });

  it('keeps Google+ and Flattr in the database as retired and disabled, with a reason', async () => {
    const rows = await targets().find({ order: { position: 'ASC' } });
    expect(rows.map((r) => r.key)).toEqual([
      'twitter',
      'reddit',
      'tumblr',
      'linkedin',
      'googleplus',
      'facebook',
      'pinterest',
      'flattr',
    ]);
    const retired = rows.filter((r) => r.retired);
    expect(retired.map((r) => ({ key: r.key, name: r.name, enabled: r.enabled }))).toEqual([
      { key: 'googleplus', name: 'Google+', enabled: false },
      { key: 'flattr', name: 'Flattr', enabled: false },
    ]);
    expect(retired[0]!.retiredReason).toMatch(/2019/);
    expect(retired[1]!.retiredReason).toMatch(/2023/);
    for (const row of rows.filter((r) => !r.retired)) {
      expect(row.enabled).toBe(true);
      expect(row.retiredReason).toBeNull();
    }

    const links = await shareLinks(SEED_SLUG);
    const res = await server.gql<{ shareTargets: { key: string }[] }>(`{ shareTargets { key } }`);
    for (const key of ['googleplus', 'flattr']) {
      expect(links.map((l) => l.target.key)).not.toContain(key);
      expect(res.data!.shareTargets.map((t) => t.key)).not.toContain(key);
    }
    for (const text of ['Google+', 'Flattr', 'plus.google.com', 'flattr.com']) {
      expect(JSON.stringify(links)).not.toContain(text);
    }
  });

  it('URL-encodes every placeholder: &, #, ?, spaces, quotes, non-ASCII and braces', async () => {
    const title = `Tom & Jerry #1? "Größe" it's {url} 100%`;
    const excerpt = `A <b>plain</b> & short excerpt: "ça va?" #tag`;
    const slug = 'tom-und-jerry-größe';
    await addPost({ slug, title, excerpt });

    const res = await server.gql<PostShare>(POST_SHARE, { slug });
    expect(res.errors).toBeUndefined();
    const post = res.data!.post!;
    const postUrl = `${TEST_PUBLIC_URL}/posts/${encodeURIComponent(slug)}`;
    expect(post.url).toBe(postUrl);

    const byKey = Object.fromEntries(post.shareLinks.map((l) => [l.target.key, l.url]));
    expect(byKey).toEqual(expectedLinks({ url: postUrl, title, excerpt }));
    expect(byKey.twitter).toBe(
      "https://twitter.com/intent/tweet?text=Tom%20%26%20Jerry%20%231%3F%20%22Gr%C3%B6%C3%9Fe%22%20it's%20%7Burl%7D%20100%25" +
        '&url=https%3A%2F%2Fblog.example.org%2Fposts%2Ftom-und-jerry-gr%25C3%25B6%25C3%259Fe',
    );

    const twitter = new URL(byKey.twitter!);
    expect([...twitter.searchParams.keys()]).toEqual(['text', 'url']);
    expect(twitter.searchParams.get('text')).toBe(title);
    expect(twitter.searchParams.get('url')).toBe(postUrl);
    expect(twitter.hash).toBe('');

    const tumblr = new URL(byKey.tumblr!);
    expect([...tumblr.searchParams.keys()]).toEqual(['canonicalUrl', 'title', 'caption']);
    expect(tumblr.searchParams.get('title')).toBe(title);
    expect(tumblr.searchParams.get('caption')).toBe(excerpt);
    expect(tumblr.searchParams.get('canonicalUrl')).toBe(postUrl);

    const reddit = new URL(byKey.reddit!);
    expect(reddit.searchParams.get('title')).toBe(title);
    expect(reddit.searchParams.get('url')).toBe(postUrl);
    expect(new URL(byKey.pinterest!).searchParams.get('description')).toBe(title);
    expect(new URL(byKey.facebook!).searchParams.get('u')).toBe(postUrl);
    expect(new URL(byKey.linkedin!).searchParams.get('url')).toBe(postUrl);

    for (const link of Object.values(byKey)) {
      expect(link).not.toMatch(/[\s"<>{}]/);
      expect(link).not.toMatch(/[^\x21-\x7e]/);
    }
  });

  it('drops a disabled target from the very next request, and brings it back when re-enabled', async () => {
    await targets().update({ key: 'reddit' }, { enabled: false });
    try {
      const links = await shareLinks(SEED_SLUG);
      expect(links.map((l) => l.target.key)).toEqual([
        'twitter',
        'tumblr',
        'linkedin',
        'facebook',
        'pinterest',
      ]);
      const res = await server.gql<{ shareTargets: { key: string }[] }>(`{ shareTargets { key } }`);
      expect(res.data!.shareTargets.map((t) => t.key)).not.toContain('reddit');
    } finally {
      await targets().update({ key: 'reddit' }, { enabled: true });
    }
    expect((await shareLinks(SEED_SLUG)).map((l) => l.target.key)).toEqual(SHOWN.map((t) => t.key));
  });

  it('follows a changed display order and label on the next request', async () => {
    await targets().update({ key: 'pinterest' }, { position: 0, label: 'Pin it' });
    try {
      const links = await shareLinks(SEED_SLUG);
      expect(links.map((l) => l.target.key)).toEqual([
        'pinterest',
        'twitter',
        'reddit',
        'tumblr',
        'linkedin',
        'facebook',
      ]);
      expect(links[0]!.target.label).toBe('Pin it');
    } finally {
      await targets().update({ key: 'pinterest' }, { position: 7, label: 'Pin on Pinterest' });
    }
    expect((await shareLinks(SEED_SLUG)).map((l) => l.target)).toEqual(SHOWN);
  });

  it('never shows a retired target, even if it is re-enabled by mistake', async () => {
    await targets().update({ key: 'googleplus' }, { enabled: true });
    try {
      const links = await shareLinks(SEED_SLUG);
      expect(links.map((l) => l.target.key)).toEqual(SHOWN.map((t) => t.key));
    } finally {
      await targets().update({ key: 'googleplus' }, { enabled: false });
    }
  });

  it('loads the share targets once per request, however many posts ask for links', async () => {
    for (let i = 1; i <= 3; i++) {
      await addPost({ slug: `share-batch-${i}`, publishedAt: new Date(Date.UTC(2020, 0, i)) });
    }
    const withLinks = `{ posts(first: 4) { edges { node { shareLinks { target { key } url } } } } }`;
    const without = `{ posts(first: 4) { edges { node { id } } } }`;
    type Res = { posts: { edges: { node: { shareLinks: { target: { key: string } }[] } }[] } };
    let res: Awaited<ReturnType<typeof server.gql<Res>>> | undefined;
    const cost = await server.countQueries(async () => {
      res = await server.gql<Res>(withLinks);
    });
    const base = await server.countQueries(() => server.gql(without));
    expect(cost - base).toBe(1);
    expect(res!.errors).toBeUndefined();
    expect(res!.data!.posts.edges).toHaveLength(4);
    for (const edge of res!.data!.posts.edges) {
      expect(edge.node.shareLinks.map((l) => l.target.key)).toEqual(SHOWN.map((t) => t.key));
    }
  });
});
