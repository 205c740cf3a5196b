import type { Linkback } from '../../generated/graphql';

export type LinkbackItem = Pick<
  Linkback,
  'id' | 'kind' | 'sourceUrl' | 'title' | 'excerpt' | 'blogName' | 'createdAt'
>;
