import { describe, expect, it } from 'vitest';
import type { ApolloLink } from '@apollo/client/core';
import type { MockedResponse } from '@apollo/client/testing/core';
import { flushPromises, mount } from '@vue/test-utils';
import CommentsSection from '../src/components/comments/CommentsSection.vue';
import type { ThreadComment } from '../src/components/comments/thread';
import type { DiscussionRulesFragment } from '../src/generated/graphql';
import { heldNetwork, mockApollo, settle, submission, submitMock, submitted } from './apollo';
import { comment, discussionRules, nestedThread } from './helpers';

// The section with its composer over a mocked network and an empty cache: what
// the cache write does to the post page is in useCommentComposer.test.ts.

function mountSection(
  props: Partial<{
    comments: ThreadComment[];
    commentCount: number;
    commentsOpen: boolean;
    discussion: DiscussionRulesFragment;
    replyNotifications: boolean;
  }> = {},
  network: readonly MockedResponse[] | ApolloLink = [],
) {
  const apollo = mockApollo(network);
  const wrapper = mount(CommentsSection, {
    attachTo: document.body,
    props: {
      postId: 'p1',
      postPath: '/posts/p',
      comments: [comment({ id: 'c1' })],
      commentCount: 1,
      commentsOpen: true,
      discussion: discussionRules(),
      ...props,
    },
    slots: { default: '<section class="slot-marker">Trackbacks go here</section>' },
    global: { provide: apollo.provide },
  });
  return Object.assign(wrapper, { operations: apollo.operations });
}

type Section = ReturnType<typeof mountSection>;

async function fill(wrapper: Section, content = 'Lovely post'): Promise<void> {
  await wrapper.get('textarea[name="content"]').setValue(content);
  await wrapper.get('input[name="authorName"]').setValue('Ann Reader');
  await wrapper.get('input[name="authorEmail"]').setValue('ann@example.com');
  await wrapper.get('input[name="authorUrl"]').setValue('https://ann.example');
}

async function fillAndSubmit(wrapper: Section, content?: string): Promise<void> {
  await fill(wrapper, content);
  await wrapper.get('form').trigger('submit');
  await settle();
}

const value = (wrapper: Section, selector: string) =>
  (wrapper.get(selector).element as HTMLInputElement | HTMLTextAreaElement).value;

describe('CommentsSection', () => {
  it.each([
    [1, '1 Comment'],
    [2, '2 Comments'],
    [0, 'No comments yet'],
  ])('heads %i comments as "%s"', (count, heading) => {
    const wrapper = mountSection({ commentCount: count, comments: count ? nestedThread() : [] });
    expect(wrapper.get('h2').text()).toBe(heading);
    wrapper.unmount();
  });

  it('puts the thread, then the slot (linkbacks), then the form', () => {
    const wrapper = mountSection();
    const html = wrapper.html();
    const thread = html.indexOf('comment-list');
    const slot = html.indexOf('slot-marker');
    const form = html.indexOf('Submit a Comment');
    expect(thread).toBeGreaterThan(-1);
    expect(slot).toBeGreaterThan(thread);
    expect(form).toBeGreaterThan(slot);
    wrapper.unmount();
  });

  it('says comments are closed instead of showing the form', () => {
    const wrapper = mountSection({ commentsOpen: false });
    expect(wrapper.find('form').exists()).toBe(false);
    expect(wrapper.text()).toContain('Comments are closed.');
    expect(wrapper.find('.comment__reply').exists()).toBe(false);
    wrapper.unmount();
  });

  it('offers "Notify me of replies" only when the site sends email, and sends it when ticked', async () => {
    const quiet = mountSection();
    expect(quiet.find('input[name="notifyOfReplies"]').exists()).toBe(false);
    quiet.unmount();

    const wrapper = mountSection({ replyNotifications: true }, [
      submitMock(submission({ notifyOfReplies: true }), {
        status: 'PENDING',
        comment: submitted('new0', null),
      }),
    ]);
    const box = wrapper.get('input[name="notifyOfReplies"]');
    expect(box.attributes('type')).toBe('checkbox');
    expect(wrapper.get(`label[for="${box.attributes('id')}"]`).text()).toContain(
      'Notify me of replies',
    );
    await fill(wrapper);
    await box.setValue(true);
    await wrapper.get('form').trigger('submit');
    await settle();
    // The mock answers only the input with notifyOfReplies: true.
    expect(wrapper.find('#comment-new0').exists()).toBe(true);
    // Cleared with the comment: the next one asks again.
    expect((box.element as HTMLInputElement).checked).toBe(false);
    wrapper.unmount();
  });

  it('sends the input, clears only the comment, and shows the pending comment at the bottom', async () => {
    const wrapper = mountSection({}, [
      submitMock(submission(), { status: 'PENDING', comment: submitted('new1', null) }),
    ]);
    await fillAndSubmit(wrapper);

    expect(wrapper.operations).toEqual(['SubmitComment']);
    const items = wrapper.findAll('ol.comment-list:not(.comment-list--replies) > li');
    expect(items.map((li) => li.attributes('id'))).toEqual(['comment-c1', 'comment-new1']);
    expect(items[1]!.text()).toContain('Your comment is awaiting moderation.');
    expect(items[1]!.text()).toContain('Lovely post');
    expect(document.activeElement).toBe(items[1]!.get('.comment__body').element);

    expect(value(wrapper, 'textarea')).toBe('');
    expect(value(wrapper, 'input[name="authorName"]')).toBe('Ann Reader');
    expect(value(wrapper, 'input[name="authorEmail"]')).toBe('ann@example.com');
    expect(value(wrapper, 'input[name="authorUrl"]')).toBe('https://ann.example');
    // A cleared textarea is not an error: the form starts fresh.
    expect(wrapper.find('.field__error').exists()).toBe(false);

    expect(wrapper.get('[role="status"]').text()).toContain('awaiting moderation');
    expect(wrapper.get('[role="status"]').attributes('aria-live')).toBe('polite');
    wrapper.unmount();
  });

  it('shows a pending reply under its parent and moves the form back to the bottom', async () => {
    const reply = submitted('new2', 'c2', '<p>Thanks!</p>');
    const wrapper = mountSection({ comments: nestedThread(), commentCount: 4 }, [
      submitMock(submission({ parentId: 'c2', content: 'Thanks!' }), {
        status: 'PENDING',
        comment: reply,
      }),
    ]);
    await wrapper.get('#comment-c2 > article .comment__reply').trigger('click');
    expect(wrapper.get('#comment-c2').text()).toContain('Replying to Victoria Betton');

    await fillAndSubmit(wrapper, 'Thanks!');

    const replies = wrapper.findAll('#comment-c2 > ol > li');
    expect(replies.map((li) => li.attributes('id'))).toEqual(['comment-c3', 'comment-new2']);
    expect(replies[1]!.text()).toContain('Your comment is awaiting moderation.');
    expect(wrapper.text()).not.toContain('Replying to');
    expect(wrapper.find('.comment-list .comment-form').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows an approved comment once, even where the cache holds no thread to put it in', async () => {
    const wrapper = mountSection({}, [
      submitMock(submission(), { status: 'APPROVED', comment: submitted('new3', null) }),
    ]);
    await fillAndSubmit(wrapper);

    expect(wrapper.get('#comment-new3').text()).not.toContain('awaiting moderation');
    expect(wrapper.get('[role="status"]').text()).toBe('Your comment has been published.');

    // Once the thread carries it, it shows there only.
    await wrapper.setProps({
      comments: [comment({ id: 'c1' }), comment({ id: 'new3', authorName: 'Ann Reader' })],
    });
    expect(wrapper.findAll('#comment-new3')).toHaveLength(1);
    wrapper.unmount();
  });

  it('shows server errors at their fields, worded by code, and keeps the text', async () => {
    const wrapper = mountSection({}, [
      submitMock(submission(), {
        errors: [
          { field: 'authorName', code: 'TOO_LONG', message: 'That name is too long for us.' },
          { field: 'postId', code: 'COMMENTS_CLOSED', message: 'No more comments here.' },
        ],
      }),
    ]);
    await fillAndSubmit(wrapper);

    const name = wrapper.get('input[name="authorName"]');
    expect(name.attributes('aria-invalid')).toBe('true');
    expect(wrapper.get(`[id="${name.attributes('aria-describedby')}"]`).text()).toBe(
      'Your name can be at most 245 characters long.',
    );
    expect(wrapper.get('.form-errors').text()).toBe('Comments are closed on this post.');
    expect(value(wrapper, 'textarea')).toBe('Lovely post');
    expect(document.activeElement).toBe(name.element);
    wrapper.unmount();
  });

  it('says so when the network fails, and disables the button while sending', async () => {
    const network = heldNetwork();
    const wrapper = mountSection({}, network.link);
    await fillAndSubmit(wrapper);

    expect(wrapper.get('button[type="submit"]').attributes()).toHaveProperty('disabled');
    network.fail(new Error('Failed to fetch'));
    await flushPromises();

    expect(wrapper.get('button[type="submit"]').attributes()).not.toHaveProperty('disabled');
    expect(wrapper.get('.form-errors').text()).toContain('Could not send your comment');
    expect(wrapper.get('[role="status"]').text()).toContain('Could not send your comment');
    expect(value(wrapper, 'textarea')).toBe('Lovely post');
    wrapper.unmount();
  });

  it('shows a form-level refusal (RATE_LIMITED) above the form, keeps the text and stores nothing', async () => {
    const message = 'You are commenting too quickly. Please wait 12 seconds and try again.';
    const wrapper = mountSection({}, [
      submitMock(submission(), { errors: [{ field: null, code: 'RATE_LIMITED', message }] }),
    ]);
    await fillAndSubmit(wrapper);

    const summary = wrapper.get('form .form-errors');
    expect(summary.text()).toBe(message);
    expect(summary.attributes('role')).toBe('alert');
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(0);
    expect(value(wrapper, 'textarea')).toBe('Lovely post');
    expect(wrapper.findAll('ol.comment-list > li')).toHaveLength(1);
    expect(wrapper.get('[role="status"]').text()).toContain('was not posted');
    wrapper.unmount();
  });

  it('sends the honeypot as the form holds it', async () => {
    const wrapper = mountSection({}, [
      submitMock(submission({ homepage: 'http://bot.example' }), {
        status: 'PENDING',
        comment: submitted('new9', null),
      }),
    ]);
    await wrapper.get('input[name="homepage"]').setValue('http://bot.example');
    await fillAndSubmit(wrapper);
    expect(wrapper.operations).toEqual(['SubmitComment']);
    expect(wrapper.find('#comment-new9').exists()).toBe(true);
    wrapper.unmount();
  });

  it("follows the site's thread depth and form rules", async () => {
    const wrapper = mountSection({
      comments: nestedThread(),
      commentCount: 4,
      discussion: discussionRules({
        threadDepth: 2,
        commentFields: [
          { name: 'content', required: true, maxLength: 20 },
          { name: 'authorName', required: true, maxLength: 245 },
          { name: 'authorEmail', required: true, maxLength: 100 },
          { name: 'authorUrl', required: false, maxLength: 200 },
        ],
      }),
    });
    // Depth 0 takes replies; depth 1 is the deepest level with a thread depth of 2.
    expect(wrapper.find('#comment-c1 > article .comment__reply').exists()).toBe(true);
    expect(wrapper.find('#comment-c2 > article .comment__reply').exists()).toBe(false);

    await fillAndSubmit(wrapper, 'This is longer than twenty characters.');
    expect(wrapper.text()).toContain('Your comment can be at most 20 characters long.');
    expect(wrapper.operations).toEqual([]);
    wrapper.unmount();
  });
});
