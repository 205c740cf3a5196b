import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import PostContent from '../src/components/post/PostContent.vue';
import PostHeader from '../src/components/post/PostHeader.vue';
import { testRouter } from './helpers';

describe('PostHeader', () => {
  const props = {
    title: 'Social media surgery for mental health #smsmhealth',
    authorName: 'Victoria Betton',
    authorUrl: 'https://victoriabetton.example',
    publishedAt: '2012-11-24T18:00:00.000Z',
    tags: [{ id: 't1', name: 'smsmhealth', slug: 'smsmhealth' }],
  };

  it('shows the title as the h1, the linked author, the date and the tags', async () => {
    const router = testRouter();
    await router.push('/');
    const wrapper = mount(PostHeader, { props, global: { plugins: [router] } });

    expect(wrapper.get('h1').text()).toBe('Social media surgery for mental health #smsmhealth');
    const author = wrapper.get('a[rel="author"]');
    expect(author.text()).toBe('Victoria Betton');
    expect(author.attributes('href')).toBe('https://victoriabetton.example');
    const time = wrapper.get('time');
    expect(time.attributes('datetime')).toBe('2012-11-24T18:00:00.000Z');
    expect(time.text()).toMatch(/November 2[45], 2012/);
    const tag = wrapper.get('.tag-list a');
    expect(tag.attributes('href')).toBe('/tag/smsmhealth');
    expect(tag.text()).toBe('#smsmhealth');
  });

  it('shows an author without a website as text', async () => {
    const router = testRouter();
    const wrapper = mount(PostHeader, {
      props: { ...props, authorUrl: null },
      global: { plugins: [router] },
    });
    expect(wrapper.find('a[rel="author"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('By Victoria Betton');
  });
});

describe('PostContent', () => {
  it('renders the server-sanitized HTML', () => {
    const wrapper = mount(PostContent, {
      props: { html: '<p>We live blogged the event <a href="https://example.org">here</a></p>' },
    });
    expect(wrapper.get('p a').text()).toBe('here');
  });
});
