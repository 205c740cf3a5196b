import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import CommentsSection from '../src/components/comments/CommentsSection.vue';
import type { SubmitCommentResult, ThreadComment } from '../src/components/comments/thread';
import type { DiscussionRulesFragment, SubmitCommentInput } from '../src/generated/graphql';
import { comment, discussionRules, nestedThread } from './helpers';

type Submit = (input: SubmitCommentInput) => Promise<SubmitCommentResult>;

function mountSection(
  props: Partial<{
    comments: ThreadComment[];
    commentCount: number;
    commentsOpen: boolean;
    discussion: DiscussionRulesFragment;
    submit: Submit;
  }> = {},
) {
  return mount(CommentsSection, {
    attachTo: document.body,
    props: {
      postId: 'p1',
      comments: [comment({ id: 'c1' })],
      commentCount: 1,
      commentsOpen: true,
      discussion: discussionRules(),
      submit: vi.fn<Submit>(),
      ...props,
    },
    slots: { default: '<section class="slot-marker">Trackbacks go here</section>' },
  });
}

async function fillAndSubmit(
  wrapper: ReturnType<typeof mountSection>,
  content = 'Lovely post',
): Promise<void> {
  await wrapper.get('textarea[name="content"]').setValue(content);
  await wrapper.get('input[name="authorName"]').setValue('Ann Reader');
  await wrapper.get('input[name="authorEmail"]').setValue('ann@example.com');
  await wrapper.get('input[name="authorUrl"]').setValue('https://ann.example');
  await wrapper.get('form').trigger('submit');
  await flushPromises();
}

const pending = (
  id: string,
  parentId: string | null,
  content = '<p>Lovely post</p>',
): SubmitCommentResult => ({
  status: 'PENDING',
  errors: [],
  comment: {
    id,
    depth: parentId ? 1 : 0,
    authorName: 'Ann Reader',
    authorUrl: 'https://ann.example',
    content,
    createdAt: '2024-01-01T10:00:00.000Z',
    parent: parentId ? { id: parentId } : null,
  },
});

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

  it('sends the input, clears only the comment, and shows the pending comment at the bottom', async () => {
    const submit = vi.fn<Submit>().mockResolvedValue(pending('new1', null));
    const wrapper = mountSection({ submit });
    await fillAndSubmit(wrapper);

    expect(submit).toHaveBeenCalledWith({
      postId: 'p1',
      parentId: null,
      authorName: 'Ann Reader',
      authorEmail: 'ann@example.com',
      authorUrl: 'https://ann.example',
      content: 'Lovely post',
      homepage: '',
    });

    const items = wrapper.findAll('ol.comment-list:not(.comment-list--replies) > li');
    expect(items.map((li) => li.attributes('id'))).toEqual(['comment-c1', 'comment-new1']);
    expect(items[1]!.text()).toContain('Your comment is awaiting moderation.');
    expect(items[1]!.text()).toContain('Lovely post');

    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toBe('');
    expect((wrapper.get('input[name="authorName"]').element as HTMLInputElement).value).toBe(
      'Ann Reader',
    );
    expect((wrapper.get('input[name="authorEmail"]').element as HTMLInputElement).value).toBe(
      'ann@example.com',
    );
    expect((wrapper.get('input[name="authorUrl"]').element as HTMLInputElement).value).toBe(
      'https://ann.example',
    );
    // A cleared textarea is not an error: the form starts fresh.
    expect(wrapper.find('.field__error').exists()).toBe(false);

    expect(wrapper.get('[role="status"]').text()).toContain('awaiting moderation');
    expect(wrapper.get('[role="status"]').attributes('aria-live')).toBe('polite');
    wrapper.unmount();
  });

  it('shows a pending reply under its parent and moves the form back to the bottom', async () => {
    const submit = vi.fn<Submit>().mockResolvedValue(pending('new2', 'c2', '<p>Thanks!</p>'));
    const wrapper = mountSection({ submit, comments: nestedThread(), commentCount: 4 });
    await wrapper.get('#comment-c2 > article button').trigger('click');
    expect(wrapper.get('#comment-c2').text()).toContain('Replying to Victoria Betton');

    await fillAndSubmit(wrapper, 'Thanks!');

    expect(submit.mock.calls[0]?.[0].parentId).toBe('c2');
    const replies = wrapper.findAll('#comment-c2 > ol > li');
    expect(replies.map((li) => li.attributes('id'))).toEqual(['comment-c3', 'comment-new2']);
    expect(replies[1]!.text()).toContain('Your comment is awaiting moderation.');
    expect(wrapper.text()).not.toContain('Replying to');
    expect(wrapper.find('.comment-list .comment-form').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows an approved comment without the moderation note, once', async () => {
    const approved: SubmitCommentResult = { ...pending('new3', null), status: 'APPROVED' };
    const submit = vi.fn<Submit>().mockResolvedValue(approved);
    const wrapper = mountSection({ submit });
    await fillAndSubmit(wrapper);

    expect(wrapper.get('#comment-new3').text()).not.toContain('awaiting moderation');
    expect(wrapper.get('[role="status"]').text()).toBe('Your comment has been published.');

    // After the page refetches, the thread itself carries it: no duplicate.
    await wrapper.setProps({
      comments: [comment({ id: 'c1' }), comment({ id: 'new3', authorName: 'Ann Reader' })],
    });
    expect(wrapper.findAll('#comment-new3')).toHaveLength(1);
    wrapper.unmount();
  });

  it('shows server errors at their fields and keeps the text', async () => {
    const submit = vi.fn<Submit>().mockResolvedValue({
      status: null,
      comment: null,
      errors: [
        { field: 'authorName', code: 'TOO_LONG', message: 'That name is too long for us.' },
        { field: 'postId', code: 'COMMENTS_CLOSED', message: 'No more comments here.' },
      ],
    });
    const wrapper = mountSection({ submit });
    await fillAndSubmit(wrapper);

    const name = wrapper.get('input[name="authorName"]');
    expect(name.attributes('aria-invalid')).toBe('true');
    const describedBy = name.attributes('aria-describedby')!;
    expect(wrapper.get(`[id="${describedBy}"]`).text()).toBe(
      'Your name can be at most 245 characters long.',
    );
    expect(wrapper.get('.form-errors').text()).toBe('Comments are closed on this post.');
    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toBe('Lovely post');
    expect(document.activeElement).toBe(name.element);
    wrapper.unmount();
  });

  it('says so when the network fails, and disables the button while sending', async () => {
    let fail: (reason: Error) => void = () => undefined;
    const submit = vi.fn<Submit>(() => new Promise((_resolve, reject) => (fail = reject)));
    const wrapper = mountSection({ submit });
    await fillAndSubmit(wrapper);

    expect(wrapper.get('button[type="submit"]').attributes()).toHaveProperty('disabled');
    fail(new Error('Failed to fetch'));
    await flushPromises();

    expect(wrapper.get('button[type="submit"]').attributes()).not.toHaveProperty('disabled');
    expect(wrapper.get('.form-errors').text()).toContain('Could not send your comment');
    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toBe('Lovely post');
    wrapper.unmount();
  });

  it('shows a form-level refusal (RATE_LIMITED) above the form, keeps the text and stores nothing', async () => {
    const message = 'You are commenting too quickly. Please wait 12 seconds and try again.';
    const submit = vi.fn<Submit>().mockResolvedValue({
      status: null,
      comment: null,
      errors: [{ field: null, code: 'RATE_LIMITED', message }],
    });
    const wrapper = mountSection({ submit });
    await fillAndSubmit(wrapper);

    const summary = wrapper.get('form .form-errors');
    expect(summary.text()).toBe(message);
    expect(summary.attributes('role')).toBe('alert');
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(0);
    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toBe('Lovely post');
    expect(wrapper.findAll('ol.comment-list > li')).toHaveLength(1);
    expect(wrapper.get('[role="status"]').text()).toContain('was not posted');
    wrapper.unmount();
  });

  it('sends the honeypot as the form holds it', async () => {
    const submit = vi.fn<Submit>().mockResolvedValue(pending('new9', null));
    const wrapper = mountSection({ submit });
    await wrapper.get('input[name="homepage"]').setValue('http://bot.example');
    await fillAndSubmit(wrapper);
    expect(submit.mock.calls[0]?.[0].homepage).toBe('http://bot.example');
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
    wrapper.unmount();
  });
});
