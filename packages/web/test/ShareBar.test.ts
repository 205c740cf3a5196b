import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ShareBar from '../src/components/share/ShareBar.vue';
import type { ShareLinkItem } from '../src/components/share/types';

const links: ShareLinkItem[] = [
  {
    url: 'https://twitter.com/intent/tweet?url=x',
    target: { key: 'twitter', name: 'Twitter', label: 'Tweet about this on Twitter' },
  },
  {
    url: 'https://www.reddit.com/submit?url=x',
    target: { key: 'reddit', name: 'Reddit', label: 'Share on Reddit' },
  },
  {
    url: 'https://pinterest.com/pin/create/button/?url=x',
    target: { key: 'pinterest', name: 'Pinterest', label: 'Pin on Pinterest' },
  },
];

describe('ShareBar', () => {
  it('renders one link per share link, in order, labelled by the target', () => {
    const wrapper = mount(ShareBar, { props: { links } });
    const anchors = wrapper.findAll('a');
    expect(anchors).toHaveLength(3);
    expect(anchors.map((a) => a.attributes('href'))).toEqual(links.map((link) => link.url));
    expect(anchors.map((a) => a.text())).toEqual([
      'Tweet about this on Twitter (opens in a new tab)',
      'Share on Reddit (opens in a new tab)',
      'Pin on Pinterest (opens in a new tab)',
    ]);
    for (const anchor of anchors) {
      expect(anchor.attributes('target')).toBe('_blank');
      expect(anchor.attributes('rel')).toBe('noopener noreferrer');
    }
  });

  it('is a labelled section, and absent when there is nothing to share', async () => {
    const wrapper = mount(ShareBar, { props: { links } });
    const section = wrapper.get('section');
    const heading = wrapper.get(`[id="${section.attributes('aria-labelledby')}"]`);
    expect(heading.text()).toBe('Share this post');

    await wrapper.setProps({ links: [] });
    expect(wrapper.find('section').exists()).toBe(false);
  });
});
