import type { Linkback, LinkbackAuthor } from '../../generated/graphql';

export type LinkbackItem = Pick<
  Linkback,
  'id' | 'kind' | 'mentionType' | 'sourceUrl' | 'title' | 'excerpt' | 'blogName' | 'createdAt'
> & { author?: Pick<LinkbackAuthor, 'name' | 'url'> | null };
