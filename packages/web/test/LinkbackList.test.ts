import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import LinkbackList from '../src/components/linkbacks/LinkbackList.vue';
import type { LinkbackItem } from '../src/components/linkbacks/types';

const linkback = (overrides: Partial<LinkbackItem> & Pick<LinkbackItem, 'id'>): LinkbackItem => ({
  kind: 'PINGBACK',
  mentionType: 'MENTION',
  author: null,
  sourceUrl: 'http://claireot.wordpress.com/2012/11/25/smsmhealth/',
  title:
    "Using social media for professional development at the Leeds #SMSmhealth « Claireot's Blog",
  excerpt: '[...] @VictoriaBetton http://codesigndigitalhealth.co.uk/?p=271 [...]',
  blogName: "Claireot's Blog",
  createdAt: '2012-11-25T09:00:00.000Z',
  ...overrides,
});

describe('LinkbackList', () => {
  it('renders a heading and an ordered list of "title - excerpt"', () => {
    const wrapper = mount(LinkbackList, {
      props: {
        linkbacks: [
          linkback({ id: 'l1' }),
          linkback({
            id: 'l2',
            sourceUrl: 'http://example.org/joining-up',
            title: 'Joining up | between personal and professional',
            excerpt: '[...] event I attended, blogged about here by the lovely @victoriabetton…',
          }),
        ],
      },
    });
    expect(wrapper.get('h2').text()).toBe('Trackbacks/Pingbacks');
    const items = wrapper.findAll('ol > li');
    expect(items).toHaveLength(2);
    expect(items[0]!.text()).toBe(
      "Using social media for professional development at the Leeds #SMSmhealth « Claireot's Blog - [...] @VictoriaBetton http://codesigndigitalhealth.co.uk/?p=271 [...]",
    );
    const link = items[1]!.get('a');
    expect(link.text()).toBe('Joining up | between personal and professional');
    expect(link.attributes('href')).toBe('http://example.org/joining-up');
    expect(link.attributes('rel')).toBe('nofollow ugc noopener');
  });

  it('falls back to the source URL when there is no title, and omits a missing excerpt', () => {
    const wrapper = mount(LinkbackList, {
      props: { linkbacks: [linkback({ id: 'l1', title: null, excerpt: null })] },
    });
    expect(wrapper.get('li').text()).toBe('http://claireot.wordpress.com/2012/11/25/smsmhealth/');
  });

  it('renders remote strings as text, never as markup', () => {
    const wrapper = mount(LinkbackList, {
      props: {
        linkbacks: [
          linkback({
            id: 'l1',
            title: '<b>Bold</b> title',
            excerpt: 'Look <script>alert("x")</script> <img src=x onerror=alert(1)>',
            blogName: '<i>Blog</i>',
          }),
        ],
      },
    });
    expect(wrapper.find('script').exists()).toBe(false);
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.find('b').exists()).toBe(false);
    expect(wrapper.get('li').text()).toBe(
      '<b>Bold</b> title - Look <script>alert("x")</script> <img src=x onerror=alert(1)>',
    );
    expect(wrapper.html()).toContain('&lt;script&gt;');
  });

  it('names the author when the linking page says who wrote it, as plain text', () => {
    const wrapper = mount(LinkbackList, {
      props: {
        linkbacks: [
          linkback({
            id: 'l1',
            kind: 'WEBMENTION',
            mentionType: 'REPLY',
            title: 'A reply',
            excerpt: 'Great post',
            author: { name: 'Alice <b>Example</b>', url: 'https://alice.example/' },
          }),
          linkback({
            id: 'l2',
            kind: 'WEBMENTION',
            mentionType: 'LIKE',
            title: 'Liked',
            excerpt: null,
            author: { name: 'Bob', url: null },
          }),
          linkback({
            id: 'l3',
            kind: 'WEBMENTION',
            mentionType: 'REPOST',
            title: 'Reposted',
            excerpt: null,
            author: { name: null, url: 'https://carol.example/' },
          }),
        ],
      },
    });
    const items = wrapper.findAll('li');
    expect(items.map((li) => li.text().replace(/\s+/g, ' '))).toEqual([
      'A reply - Great post (reply by Alice <b>Example</b>)',
      'Liked (liked by Bob)',
      'Reposted (reposted by https://carol.example/)',
    ]);
    expect(wrapper.find('b').exists()).toBe(false);
    const authorLink = items[0]!.findAll('a')[1]!;
    expect(authorLink.attributes('href')).toBe('https://alice.example/');
    expect(authorLink.attributes('rel')).toBe('nofollow ugc noopener');
    expect(items[1]!.findAll('a')).toHaveLength(1);
  });

  it('renders nothing without linkbacks', () => {
    const wrapper = mount(LinkbackList, { props: { linkbacks: [] } });
    expect(wrapper.find('section').exists()).toBe(false);
  });
});
