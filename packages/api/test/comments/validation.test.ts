import { describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/modules/comments/entities.js';
import { LIMITS, messages } from '../../src/modules/comments/messages.js';
import { seedComments } from '../../src/seed/smsmhealth.js';
import { commentsSuite } from '../support/comments-suite.js';
import { databaseKinds } from '../support/server.js';

describe.each(databaseKinds())('comments on %s', (kind) => {
  const env = commentsSuite(kind);
  const { addPost, addComment, refused, accepted } = env;

  describe('validation', () => {
    it('requires authorName: blank or white space only is REQUIRED', async () => {
      for (const authorName of ['', '   ', ' \t\n ']) {
        expect(await refused({ authorName })).toEqual([
          { field: 'authorName', code: 'REQUIRED', message: 'Please enter your name.' },
        ]);
      }
    });

    it('allows authorName up to 245 characters; 246 is TOO_LONG', async () => {
      expect(LIMITS.authorName).toBe(245);
      expect(await refused({ authorName: 'n'.repeat(246) })).toEqual([
        {
          field: 'authorName',
          code: 'TOO_LONG',
          message: 'Your name can be at most 245 characters.',
        },
      ]);
      const { payload, row } = await accepted({ authorName: 'n'.repeat(245) });
      expect(payload.comment!.authorName).toBe('n'.repeat(245));
      expect(row.authorName).toBe('n'.repeat(245));
    });

    it('trims authorName and collapses its inner white space', async () => {
      const { payload } = await accepted({ authorName: '  Ada \n\t Lovelace  ' });
      expect(payload.comment!.authorName).toBe('Ada Lovelace');
    });

    it('requires authorEmail', async () => {
      for (const authorEmail of ['', '   ']) {
        expect(await refused({ authorEmail })).toEqual([
          {
            field: 'authorEmail',
            code: 'REQUIRED',
            message: 'Please enter your email address.',
          },
        ]);
      }
    });

    it('allows a valid authorEmail of 100 characters; 101 is TOO_LONG', async () => {
      const email100 = `${'e'.repeat(88)}@example.org`;
      const email101 = `${'e'.repeat(89)}@example.org`;
      expect(email100).toHaveLength(100);
      expect(email101).toHaveLength(101);
      expect(await refused({ authorEmail: email101 })).toEqual([
        {
          field: 'authorEmail',
          code: 'TOO_LONG',
          message: 'Your email address can be at most 100 characters.',
        },
      ]);
      const { row } = await accepted({ authorEmail: email100 });
      expect(row.authorEmail).toBe(email100);
    });

    it.each(['bad', 'a@b', 'a b@c.com', 'a@@b.com', '@example.com', 'a@-b.com', 'a@b..com'])(
      'refuses the malformed email %j with INVALID_EMAIL',
      async (authorEmail) => {
        expect(await refused({ authorEmail })).toEqual([
          {
            field: 'authorEmail',
            code: 'INVALID_EMAIL',
            message: 'Please enter a valid email address, like name@example.com.',
          },
        ]);
      },
    );

    it('stores the email trimmed and in lower case', async () => {
      const { row } = await accepted({ authorEmail: '  Mixed.Case@Example.NET ' });
      expect(row.authorEmail).toBe('mixed.case@example.net');
    });

    it('treats authorUrl as optional', async () => {
      for (const authorUrl of [undefined, null, '', '   ']) {
        const { payload, row } = await accepted({ authorUrl });
        expect(payload.comment!.authorUrl).toBeNull();
        expect(row.authorUrl).toBeNull();
      }
    });

    it.each([
      'javascript:alert(1)',
      'JAVASCRIPT://example.com/%0aalert(1)',
      'ftp://example.com',
      'example.com',
      'data:text/html,hi',
      'https://user:secret@example.com/',
      'http://',
    ])('refuses the authorUrl %j with INVALID_URL', async (authorUrl) => {
      expect(await refused({ authorUrl })).toEqual([
        {
          field: 'authorUrl',
          code: 'INVALID_URL',
          message: 'Your website must be a full address starting with http:// or https://.',
        },
      ]);
    });

    it('accepts http and https authorUrl values', async () => {
      const http = await accepted({ authorUrl: 'http://example.com/me' });
      expect(http.payload.comment!.authorUrl).toBe('http://example.com/me');
      const https = await accepted({ authorUrl: ' https://example.org ' });
      expect(https.payload.comment!.authorUrl).toBe('https://example.org/');
      expect(https.row.authorUrl).toBe('https://example.org/');
    });

    it('allows authorUrl up to 200 characters; 201 is TOO_LONG', async () => {
      const url200 = `https://example.com/${'p'.repeat(180)}`;
      expect(url200).toHaveLength(200);
      expect(await refused({ authorUrl: `${url200}q` })).toEqual([
        {
          field: 'authorUrl',
          code: 'TOO_LONG',
          message: 'Your website address can be at most 200 characters.',
        },
      ]);
      const { payload } = await accepted({ authorUrl: url200 });
      expect(payload.comment!.authorUrl).toBe(url200);
    });

    it('requires content', async () => {
      for (const content of ['', '  \n\n \t ']) {
        expect(await refused({ content })).toEqual([
          { field: 'content', code: 'REQUIRED', message: 'Please write a comment.' },
        ]);
      }
    });

    it('allows content up to 10,000 characters; 10,001 is TOO_LONG', async () => {
      expect(await refused({ content: 'c'.repeat(10_001) })).toEqual([
        {
          field: 'content',
          code: 'TOO_LONG',
          message: 'Your comment can be at most 10,000 characters.',
        },
      ]);
      const { payload, row } = await accepted({ content: 'c'.repeat(10_000) });
      expect(payload.comment!.content).toBe(`<p>${'c'.repeat(10_000)}</p>`);
      expect(row.contentText).toBe('c'.repeat(10_000));
    });

    it.each(['999999', 'abc', '0', '-1', '1.0', '1e3', ''])(
      'refuses the unknown or malformed postId %j with POST_NOT_FOUND',
      async (postId) => {
        expect(await refused({ postId })).toEqual([
          {
            field: 'postId',
            code: 'POST_NOT_FOUND',
            message: 'This post does not exist or is not published.',
          },
        ]);
      },
    );

    it('refuses comments on a draft and on a post scheduled for later with POST_NOT_FOUND', async () => {
      const draft = await addPost({ slug: 'comment-draft', status: 'DRAFT' });
      const later = await addPost({
        slug: 'comment-scheduled',
        publishedAt: new Date(Date.now() + 3600_000),
      });
      for (const post of [draft, later]) {
        expect(await refused({ postId: String(post.id) })).toEqual([
          { field: 'postId', code: 'POST_NOT_FOUND', message: messages.postNotFound },
        ]);
      }
    });

    it('refuses comments on a post whose comments are closed with COMMENTS_CLOSED (no field)', async () => {
      const closed = await addPost({ slug: 'comments-closed', commentsOpen: false });
      expect(await refused({ postId: String(closed.id) })).toEqual([
        { field: null, code: 'COMMENTS_CLOSED', message: 'Comments are closed on this post.' },
      ]);
    });

    it('refuses an unknown or malformed parentId with PARENT_NOT_FOUND', async () => {
      for (const parentId of ['999999', 'abc', '0']) {
        expect(await refused({ parentId })).toEqual([
          {
            field: 'parentId',
            code: 'PARENT_NOT_FOUND',
            message: 'The comment you are replying to does not exist.',
          },
        ]);
      }
    });

    it('refuses a reply to a comment that is not approved with PARENT_NOT_FOUND', async () => {
      for (const status of ['PENDING', 'SPAM', 'TRASH'] as const) {
        const parent = await addComment({
          postId: env.seedPost.id,
          status,
          createdAt: new Date('2013-01-01T00:00:00Z'),
        });
        expect(await refused({ parentId: String(parent.id) })).toEqual([
          { field: 'parentId', code: 'PARENT_NOT_FOUND', message: messages.parentNotFound },
        ]);
      }
    });

    it('refuses a reply whose parent belongs to another post with PARENT_OTHER_POST', async () => {
      const other = await addPost({ slug: 'comment-other-post' });
      expect(
        await refused({ postId: String(other.id), parentId: String(env.seedComment.id) }),
      ).toEqual([
        {
          field: 'parentId',
          code: 'PARENT_OTHER_POST',
          message: 'The comment you are replying to belongs to another post.',
        },
      ]);
    });

    it('allows replies down to depth 4 and refuses a reply to a depth-4 comment with THREAD_TOO_DEEP', async () => {
      const post = await addPost({ slug: 'comment-deep-thread' });
      let parent: CommentRow | null = null;
      for (let depth = 0; depth <= 3; depth++) {
        parent = await addComment({
          postId: post.id,
          parentId: parent?.id ?? null,
          depth,
          createdAt: new Date(Date.UTC(2020, 0, 1, depth)),
        });
      }
      // Replying to depth 3 gives depth 4, the deepest allowed.
      const { payload, row } = await accepted({
        postId: String(post.id),
        parentId: String(parent!.id),
        authorEmail: seedComments[0]!.authorEmail,
      });
      expect(payload.comment!.depth).toBe(4);
      expect(payload.status).toBe('APPROVED');
      expect(row.depth).toBe(4);
      expect(row.parentId).toBe(parent!.id);

      expect(await refused({ postId: String(post.id), parentId: payload.comment!.id })).toEqual([
        {
          field: 'parentId',
          code: 'THREAD_TOO_DEEP',
          message: 'This thread is as deep as it can go; reply to an earlier comment instead.',
        },
      ]);
    });

    it('reports every bad field at once, one error each, and writes nothing', async () => {
      const errors = await refused({
        postId: '999999',
        parentId: '999998',
        authorName: ' ',
        authorEmail: 'not-an-email',
        authorUrl: 'javascript:alert(1)',
        content: 'x'.repeat(10_001),
      });
      expect(errors).toHaveLength(6);
      expect(new Set(errors.map((e) => e.field)).size).toBe(6);
      expect(errors).toEqual(
        expect.arrayContaining([
          { field: 'authorName', code: 'REQUIRED', message: messages.nameRequired },
          { field: 'authorEmail', code: 'INVALID_EMAIL', message: messages.emailInvalid },
          { field: 'authorUrl', code: 'INVALID_URL', message: messages.urlInvalid },
          { field: 'content', code: 'TOO_LONG', message: messages.contentTooLong },
          { field: 'postId', code: 'POST_NOT_FOUND', message: messages.postNotFound },
          { field: 'parentId', code: 'PARENT_NOT_FOUND', message: messages.parentNotFound },
        ]),
      );
    });

    it('reports a closed post together with the bad fields', async () => {
      const closed = await addPost({ slug: 'comments-closed-too', commentsOpen: false });
      const errors = await refused({
        postId: String(closed.id),
        authorName: '',
        authorEmail: '',
        content: '',
      });
      expect(errors).toEqual(
        expect.arrayContaining([
          { field: 'authorName', code: 'REQUIRED', message: messages.nameRequired },
          { field: 'authorEmail', code: 'REQUIRED', message: messages.emailRequired },
          { field: 'content', code: 'REQUIRED', message: messages.contentRequired },
          { field: null, code: 'COMMENTS_CLOSED', message: messages.commentsClosed },
        ]),
      );
      expect(errors).toHaveLength(4);
    });
  });
});
