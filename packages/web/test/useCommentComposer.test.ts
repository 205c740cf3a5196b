import { describe, expect, it, vi } from 'vitest';
import type { MockedResponse } from '@apollo/client/testing/core';
import { mount } from '@vue/test-utils';
import PostPage from '../src/pages/PostPage.vue';
import { mockApollo, postPageMock, settle, submission, submitMock, submitted } from './apollo';
import { nestedThread, testRouter } from './helpers';

// The post page as the app renders it, over a mocked network: the composer's
// cache write must show a new comment without asking the server again.

async function mountPage(network: MockedResponse[]) {
  const apollo = mockApollo(network);
  const wrapper = mount(PostPage, {
    attachTo: document.body,
    props: { slug: 'p1' },
    global: { provide: apollo.provide, plugins: [testRouter()] },
  });
  await settle();
  // The thread is an async component (its own chunk): wait for it to load.
  // The first test transforms that chunk's modules cold, about a second on
  // this machine alone, more while other work shares it: waitFor's default
  // patience of one second made it fail under load.
  await vi.waitFor(() => expect(wrapper.find('#comments').exists()).toBe(true), {
    timeout: 10_000,
  });
  return Object.assign(wrapper, { operations: apollo.operations });
}

type Page = Awaited<ReturnType<typeof mountPage>>;

async function send(wrapper: Page, content = 'Lovely post'): Promise<void> {
  await wrapper.get('textarea[name="content"]').setValue(content);
  await wrapper.get('input[name="authorName"]').setValue('Ann Reader');
  await wrapper.get('input[name="authorEmail"]').setValue('ann@example.com');
  await wrapper.get('input[name="authorUrl"]').setValue('https://ann.example');
  await wrapper.get('form').trigger('submit');
  await settle();
}

const heading = (wrapper: Page) => wrapper.get('#comments h2').text();
const topLevel = (wrapper: Page) =>
  wrapper.findAll('#comments > ol.comment-list > li').map((li) => li.attributes('id'));

describe('useCommentComposer on the post page', () => {
  it('writes an approved comment into the cached thread and counts it, without a second query', async () => {
    const wrapper = await mountPage([
      postPageMock(),
      submitMock(submission(), { status: 'APPROVED', comment: submitted('new1', null) }),
    ]);
    expect(heading(wrapper)).toBe('1 Comment');

    await send(wrapper);

    expect(topLevel(wrapper)).toEqual(['comment-c1', 'comment-new1']);
    expect(wrapper.get('#comment-new1').text()).toContain('Lovely post');
    expect(wrapper.get('#comment-new1').text()).not.toContain('awaiting moderation');
    expect(heading(wrapper)).toBe('2 Comments');
    // One query for the page, one mutation: the thread came from the cache.
    expect(wrapper.operations).toEqual(['PostPage', 'SubmitComment']);
    wrapper.unmount();
  });

  it("writes an approved reply into its parent's replies, where it can be replied to in turn", async () => {
    const wrapper = await mountPage([
      postPageMock({ comments: nestedThread(), commentCount: 4 }),
      submitMock(submission({ parentId: 'c2', content: 'Thanks!' }), {
        status: 'APPROVED',
        comment: submitted('new2', 'c2', '<p>Thanks!</p>'),
      }),
    ]);
    await wrapper.get('#comment-c2 > article .comment__reply').trigger('click');
    await send(wrapper, 'Thanks!');

    const replies = wrapper.findAll('#comment-c2 > ol > li').map((li) => li.attributes('id'));
    expect(replies).toEqual(['comment-c3', 'comment-new2']);
    expect(wrapper.find('#comment-new2 > article .comment__reply').exists()).toBe(true);
    expect(topLevel(wrapper)).toEqual(['comment-c1', 'comment-c4']);
    expect(heading(wrapper)).toBe('5 Comments');
    expect(wrapper.operations).toEqual(['PostPage', 'SubmitComment']);
    wrapper.unmount();
  });

  it('shows a pending comment to its author at its place, and leaves the public thread and count alone', async () => {
    const wrapper = await mountPage([
      postPageMock({ comments: nestedThread(), commentCount: 4 }),
      submitMock(submission({ parentId: 'c1', content: 'Held' }), {
        status: 'PENDING',
        comment: submitted('new3', 'c1', '<p>Held</p>'),
      }),
    ]);
    await wrapper.get('#comment-c1 > article .comment__reply').trigger('click');
    await send(wrapper, 'Held');

    const replies = wrapper.findAll('#comment-c1 > ol > li').map((li) => li.attributes('id'));
    expect(replies).toEqual(['comment-c2', 'comment-new3']);
    expect(wrapper.get('#comment-new3').text()).toContain('Your comment is awaiting moderation.');
    // Not replyable until a moderator approves it.
    expect(wrapper.find('#comment-new3 > article .comment__reply').exists()).toBe(false);
    expect(heading(wrapper)).toBe('4 Comments');
    expect(wrapper.operations).toEqual(['PostPage', 'SubmitComment']);
    wrapper.unmount();
  });

  it('checks the draft before sending: no errors before the first attempt, then as the person types', async () => {
    const wrapper = await mountPage([postPageMock()]);
    await wrapper.get('textarea').setValue('No name here');
    expect(wrapper.findAll('.field__error')).toHaveLength(0);

    await wrapper.get('form').trigger('submit');
    await settle();
    const name = wrapper.get('input[name="authorName"]');
    expect(name.attributes('aria-invalid')).toBe('true');
    expect(wrapper.get(`[id="${name.attributes('aria-describedby')}"]`).text()).toBe(
      'Please enter your name.',
    );
    expect(document.activeElement).toBe(name.element);
    expect(wrapper.operations).toEqual(['PostPage']);

    await name.setValue('Ann');
    expect(name.attributes('aria-invalid')).toBeUndefined();
    expect(wrapper.find('input[name="authorEmail"]').attributes('aria-invalid')).toBe('true');
    wrapper.unmount();
  });

  it("words the server's field errors by code, with the settings' limits", async () => {
    const wrapper = await mountPage([
      postPageMock(),
      submitMock(submission(), {
        errors: [
          { field: 'authorEmail', code: 'INVALID_EMAIL', message: 'Server: bad email.' },
          { field: 'content', code: 'TOO_LONG', message: 'Server: too long.' },
          { field: 'parentId', code: 'THREAD_TOO_DEEP', message: 'Server: too deep.' },
        ],
      }),
    ]);
    await send(wrapper);

    const errorOf = (name: string) => {
      const input = wrapper.get(`[name="${name}"]`);
      expect(input.attributes('aria-invalid')).toBe('true');
      return wrapper.get(`[id="${input.attributes('aria-describedby')!.split(' ')[0]}"]`).text();
    };
    expect(errorOf('authorEmail')).toBe(
      'Please enter a valid email address, like name@example.com.',
    );
    expect(errorOf('content')).toBe('Your comment can be at most 10,000 characters long.');
    expect(wrapper.get('.form-errors').text()).toBe(
      'This thread is as deep as it can go; reply to an earlier comment instead.',
    );
    expect(topLevel(wrapper)).toEqual(['comment-c1']);
    expect(heading(wrapper)).toBe('1 Comment');
    wrapper.unmount();
  });

  it("shows the server's own message for a code the client does not know", async () => {
    const wrapper = await mountPage([
      postPageMock(),
      submitMock(submission(), {
        errors: [
          {
            field: 'authorName',
            code: 'NAME_RESERVED',
            message: 'That name belongs to an editor.',
          },
          { field: null, code: 'MAINTENANCE', message: 'Comments are paused for a few minutes.' },
        ],
      }),
    ]);
    await send(wrapper);

    const name = wrapper.get('[name="authorName"]');
    expect(wrapper.get(`[id="${name.attributes('aria-describedby')}"]`).text()).toBe(
      'That name belongs to an editor.',
    );
    expect(wrapper.get('.form-errors').text()).toBe('Comments are paused for a few minutes.');
    wrapper.unmount();
  });
});
