import type { ShareLink, ShareTarget } from '../../generated/graphql';

export type ShareLinkItem = Pick<ShareLink, 'url'> & {
  target: Pick<ShareTarget, 'key' | 'name' | 'label'>;
};
