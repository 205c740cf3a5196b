import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { Resolvers } from '../generated/graphql.js';
import { authResolvers } from '../modules/auth/auth.resolvers.js';
import { commentModerationResolvers } from '../modules/comments/comment-moderation.resolvers.js';
import { commentsResolvers } from '../modules/comments/comments.resolvers.js';
import { discussionResolvers } from '../modules/discussion/discussion.resolvers.js';
import { linkbackModerationResolvers } from '../modules/linkbacks/linkback-moderation.resolvers.js';
import { linkbacksResolvers } from '../modules/linkbacks/linkbacks.resolvers.js';
import { postEditorResolvers } from '../modules/posts/post-editor.resolvers.js';
import { postsResolvers } from '../modules/posts/posts.resolvers.js';
import { shareAdminResolvers } from '../modules/share/share-admin.resolvers.js';
import { shareResolvers } from '../modules/share/share.resolvers.js';
import { siteResolvers } from '../modules/site/site.resolvers.js';

function toDate(value: unknown): Date {
  const date =
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 date-time string.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: toDate,
  parseLiteral: (ast) => toDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

const modules: Resolvers[] = [
  postsResolvers,
  commentsResolvers,
  discussionResolvers,
  linkbacksResolvers,
  shareResolvers,
  siteResolvers,
  authResolvers,
  postEditorResolvers,
  commentModerationResolvers,
  linkbackModerationResolvers,
  shareAdminResolvers,
];

/** Merges the modules' resolver maps (each type's fields may come from several modules). */
export function buildResolvers(): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const module of modules) {
    for (const [type, fields] of Object.entries(module)) {
      merged[type] = { ...merged[type], ...(fields as Record<string, unknown>) };
    }
  }
  return { ...(merged as Resolvers), DateTime };
}
