// previewPostContent: the editor's live preview renders exactly what saving
// would store (the same Markdown renderer and sanitizer), stores nothing,
// and is for those who may write posts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, apiToken } from '../support/editorial.js';
import { databaseKinds, startServer, type TestServer } from '../support/server.js';

const PREVIEW =
  'query ($c: String!, $f: ContentFormat!) { previewPostContent(content: $c, format: $f) }';
const MARKDOWN =
  '## Hello\n\nSome *emphasis* and <script>alert(1)</script> a [link](https://example.org).';

describe.each(databaseKinds())('previewPostContent on %s', (kind) => {
  let server: TestServer;
  let editor: string;
  let author: string;
  let authorId: number;

  beforeAll(async () => {
    server = await startServer(kind);
    editor = (await signedInUser(server, 'preview-editor@example.org', 'EDITOR')).token;
    const a = await signedInUser(server, 'preview-author@example.org', 'AUTHOR');
    author = a.token;
    authorId = a.userId;
  });
  afterAll(() => server?.close());

  it('renders Markdown as saving would: the same HTML as the stored content, and stores nothing', async () => {
    const before = await server.repo('Post').count();
    const preview = await server.gqlAs<{ previewPostContent: string }>(editor, PREVIEW, {
      c: MARKDOWN,
      f: 'MARKDOWN',
    });
    expect(preview.errors).toBeUndefined();
    const html = preview.data!.previewPostContent;
    expect(html).toContain('<h2>Hello</h2>');
    expect(html).toContain('<em>emphasis</em>');
    expect(html).toContain('href="https://example.org"');
    expect(html).not.toContain('<script');
    expect(await server.repo('Post').count()).toBe(before);

    const saved = await server.gqlAs<{ createPost: { post: { content: string } } }>(
      editor,
      'mutation ($input: CreatePostInput!) { createPost(input: $input) { post { content } errors { message } } }',
      { input: { title: 'Preview twin', content: MARKDOWN, contentFormat: 'MARKDOWN' } },
    );
    expect(saved.data!.createPost.post.content).toBe(html);
  });

  it('sanitizes HTML the same way', async () => {
    const preview = await server.gqlAs<{ previewPostContent: string }>(author, PREVIEW, {
      c: '<p onclick="x()">Hi <iframe src="https://evil.example"></iframe></p>',
      f: 'HTML',
    });
    expect(preview.data!.previewPostContent).toBe('<p>Hi </p>');
  });

  it('refuses anonymous visitors (UNAUTHENTICATED) and API tokens without WRITE_CONTENT', async () => {
    const anonymous = await server.gql(PREVIEW, { c: 'x', f: 'HTML' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const readOnly = await apiToken(server, authorId, ['READ_DRAFTS']);
    const refused = await server.gqlAs(readOnly, PREVIEW, { c: 'x', f: 'HTML' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers content longer than a request may be with a 413, not a 500', async () => {
    const res = await server.gqlAs(editor, PREVIEW, { c: 'x'.repeat(200_000), f: 'MARKDOWN' });
    expect(res.status).toBe(413);
  });
});
