// /admin is the editor's desk, rendered in the browser only: the server
// answers every address under it with the bare page shell. Nothing about the
// visitor, the site's content or any session is rendered into it, and no
// cache may keep it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTag, getPage, text } from '../support/html.js';
import { startServer, type TestServer } from '../support/server.js';

describe('the /admin shell', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server?.close());

  it.each(['/admin', '/admin/', '/admin/comments?status=SPAM', '/admin/posts/12'])(
    '%s is the empty shell: no app markup, no page data, never cached, not indexed',
    async (path) => {
      const page = await getPage(server.url, path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.app.children).toHaveLength(0);
      expect(page.html).not.toContain('colloquy-data');
      expect(page.html).toContain('<meta name="robots" content="noindex, nofollow">');
      const title = byTag(page.doc, 'title')[0]!;
      expect(text(title)).toMatch(/^Editor’s desk — /);
      // The same client entry as the reader's pages (it mounts the desk's chunk).
      expect(page.html).toMatch(
        /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/,
      );
      // Nothing of the seed post (title, comment, commenter) is in it.
      expect(page.html).not.toContain('Social media surgery');
      expect(page.html).not.toContain('Sam Hughes');
    },
  );

  it('is the same for a signed-in request: the server never renders the desk', async () => {
    const anonymous = await getPage(server.url, '/admin/comments');
    const withHeader = await getPage(server.url, '/admin/comments', {
      authorization: 'Bearer cq_s_not-a-real-token',
    });
    expect(withHeader.status).toBe(200);
    expect(withHeader.html).toBe(anonymous.html);
  });

  it('leaves other addresses as they were: /administrator is not found', async () => {
    const page = await getPage(server.url, '/administrator');
    expect(page.status).toBe(404);
  });
});
