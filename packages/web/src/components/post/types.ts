import type { PostListQuery, Tag } from '../../generated/graphql';

export type TagItem = Pick<Tag, 'id' | 'name' | 'slug'>;
export type PostSummaryItem = PostListQuery['posts']['edges'][number]['node'];
