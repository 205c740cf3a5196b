import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import CommentThread from '../src/components/comments/CommentThread.vue';
import CommentsSection from '../src/components/comments/CommentsSection.vue';
import { mockApollo } from './apollo';
import { comment, discussionRules, nestedThread } from './helpers';

const replyHref = (id: string) => `/posts/p?replytocom=${id}#respond`;

describe('CommentThread', () => {
  it('renders replies as nested ordered lists', () => {
    const wrapper = mount(CommentThread, {
      props: {
        comments: nestedThread(),
        replyToId: null,
        canReply: true,
        threadDepth: 5,
        replyHref,
      },
    });

    const top = wrapper.get('ol.comment-list');
    const topItems = top.findAll(':scope > li');
    expect(topItems.map((li) => li.attributes('id'))).toEqual(['comment-c1', 'comment-c4']);

    const firstReplies = topItems[0]!.get(':scope > ol.comment-list--replies');
    const reply = firstReplies.get(':scope > li');
    expect(reply.attributes('id')).toBe('comment-c2');
    expect(reply.text()).toContain('Victoria Betton');
    expect(reply.text()).toContain('It was, in the end!');

    const deeper = reply.get(':scope > ol.comment-list--replies > li');
    expect(deeper.attributes('id')).toBe('comment-c3');
    expect(deeper.text()).toContain('Helen Standing');
  });

  it('shows author, date and sanitized content of a comment', () => {
    const wrapper = mount(CommentThread, {
      props: {
        comments: nestedThread(),
        replyToId: null,
        canReply: true,
        threadDepth: 5,
        replyHref,
      },
    });
    const first = wrapper.get('#comment-c1');
    const author = first.get('a.comment__author');
    expect(author.text()).toBe('Dave Briggs');
    expect(author.attributes('href')).toBe('http://davebriggs.net');
    expect(author.attributes('rel')).toBe('nofollow ugc noopener');
    expect(author.attributes('target')).toBe('_blank');
    expect(first.get('time').attributes('datetime')).toBe('2012-11-24T21:14:00.000Z');
    expect(first.get('time').text()).toMatch(/2012/);
    expect(first.get('.comment__content p').text()).toBe(
      'Sound pretty much like a Social Media Surgery to me',
    );
    // Without a website the name is plain text.
    expect(wrapper.get('#comment-c4 .comment__author').element.tagName).toBe('SPAN');
  });

  it("marks the post's author's own comments (replies from the desk), and no one else's", () => {
    const wrapper = mount(CommentThread, {
      props: {
        comments: [
          comment({ id: 'v', authorName: 'Vera Visitor' }),
          comment({ id: 'a', authorName: 'Ada Author', byPostAuthor: true }),
        ],
        replyToId: null,
        canReply: true,
        threadDepth: 5,
        replyHref,
      },
    });
    expect(wrapper.find('#comment-v .comment__byline').exists()).toBe(false);
    expect(wrapper.get('#comment-a .comment__byline').text()).toBe('Post author');
  });

  it('emits reply with the comment, and hides Reply when comments are closed', async () => {
    const wrapper = mount(CommentThread, {
      props: {
        comments: nestedThread(),
        replyToId: null,
        canReply: true,
        threadDepth: 5,
        replyHref,
      },
    });
    const button = wrapper.get('#comment-c2 > article .comment__reply');
    expect(button.text()).toBe('Reply');
    expect(button.attributes('aria-label')).toBe('Reply to Victoria Betton');
    // Without JavaScript the link opens the page with the form under the comment.
    expect(button.attributes('href')).toBe('/posts/p?replytocom=c2#respond');
    await button.trigger('click');
    expect(wrapper.emitted('reply')?.[0]?.[0]).toMatchObject({
      id: 'c2',
      authorName: 'Victoria Betton',
    });

    await wrapper.setProps({ canReply: false });
    expect(wrapper.findAll('.comment__reply')).toHaveLength(0);
  });

  it('offers no Reply at the deepest level the page loads', () => {
    const deepest = comment({ id: 'deep', depth: 4 });
    const wrapper = mount(CommentThread, {
      props: { comments: [deepest], replyToId: null, canReply: true, threadDepth: 5, replyHref },
    });
    expect(wrapper.find('.comment__reply').exists()).toBe(false);
  });

  it("offers Reply down to one level above the site's thread depth, and not at it", () => {
    // threadDepth 3: depths 0..2, so depth 1 takes replies and depth 2 does not.
    const wrapper = mount(CommentThread, {
      props: {
        comments: nestedThread(),
        replyToId: null,
        canReply: true,
        threadDepth: 3,
        replyHref,
      },
    });
    expect(wrapper.find('#comment-c1 > article .comment__reply').exists()).toBe(true);
    expect(wrapper.find('#comment-c2 > article .comment__reply').exists()).toBe(true);
    expect(wrapper.find('#comment-c3 > article .comment__reply').exists()).toBe(false);
  });

  it('with a thread depth of 1, offers no Reply at all', () => {
    const wrapper = mount(CommentThread, {
      props: {
        comments: nestedThread(),
        replyToId: null,
        canReply: true,
        threadDepth: 1,
        replyHref,
      },
    });
    expect(wrapper.findAll('.comment__reply')).toHaveLength(0);
  });

  it('stops at the levels the page loads even when the site allows deeper threads', () => {
    const at = (depth: number) => comment({ id: `d${depth}`, depth });
    const wrapper = mount(CommentThread, {
      props: {
        comments: [at(3), at(4)],
        replyToId: null,
        canReply: true,
        threadDepth: 10,
        replyHref,
      },
    });
    expect(wrapper.find('#comment-d3 .comment__reply').exists()).toBe(true);
    expect(wrapper.find('#comment-d4 .comment__reply').exists()).toBe(false);
  });
});

describe('CommentsSection reply flow', () => {
  function mountSection() {
    return mount(CommentsSection, {
      attachTo: document.body,
      props: {
        postId: 'p1',
        postPath: '/posts/p',
        comments: nestedThread(),
        commentCount: 4,
        commentsOpen: true,
        discussion: discussionRules(),
      },
      global: { provide: mockApollo([]).provide },
    });
  }

  it('opens the form under the chosen comment with "Replying to", and moves it back on cancel', async () => {
    const wrapper = mountSection();
    // One form, at the bottom, before anything is chosen.
    expect(wrapper.findAll('form')).toHaveLength(1);
    expect(wrapper.find('.comment-list form').exists()).toBe(false);

    await wrapper.get('#comment-c1 > article .comment__reply').trigger('click');

    const forms = wrapper.findAll('form');
    expect(forms).toHaveLength(1);
    const item = wrapper.get('#comment-c1');
    // Directly under that comment, before its replies.
    const formSection = item.get(':scope > .comment-form');
    expect(formSection.text()).toContain('Replying to Dave Briggs');
    expect(item.element.children[1]).toBe(formSection.element);
    expect(document.activeElement).toBe(formSection.get('textarea').element);

    // Typing survives moving the form.
    await formSection.get('textarea').setValue('Thanks Dave');
    await formSection.get('.comment-form__replying a').trigger('click');

    expect(wrapper.find('.comment-list .comment-form').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('Replying to');
    expect(wrapper.findAll('form')).toHaveLength(1);
    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toBe('Thanks Dave');
    // Focus goes back to the Reply button that opened the form.
    expect(document.activeElement).toBe(
      wrapper.get('#comment-c1 > article .comment__reply').element,
    );
    wrapper.unmount();
  });
});
