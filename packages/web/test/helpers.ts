import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { defineComponent } from 'vue';
import type { ThreadComment } from '../src/components/comments/thread';
import { fieldRules, type FieldRules } from '../src/lib/comment-validation';
import type { DiscussionRulesFragment } from '../src/generated/graphql';

const Blank = defineComponent({ render: () => null });

/** A router with the app's route names, so RouterLink resolves in tests. */
export function testRouter(): Router {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/posts/:slug', name: 'post', component: Blank },
      { path: '/tag/:slug', name: 'tag', component: Blank },
    ],
  });
}

export function comment(
  overrides: Partial<ThreadComment> & Pick<ThreadComment, 'id'>,
): ThreadComment {
  return {
    depth: 0,
    authorName: 'Dave Briggs',
    authorUrl: null,
    content: '<p>Sound pretty much like a Social Media Surgery to me</p>',
    createdAt: '2012-11-24T21:14:00.000Z',
    byPostAuthor: false,
    awaitingModeration: false,
    replies: [],
    ...overrides,
  };
}

/** The seed's one comment with two levels of replies below it. */
export function nestedThread(): ThreadComment[] {
  return [
    comment({
      id: 'c1',
      authorUrl: 'http://davebriggs.net',
      replies: [
        comment({
          id: 'c2',
          depth: 1,
          authorName: 'Victoria Betton',
          content: '<p>It was, in the end!</p>',
          replies: [
            comment({
              id: 'c3',
              depth: 2,
              authorName: 'Helen Standing',
              content: '<p>Agreed.</p>',
            }),
          ],
        }),
      ],
    }),
    comment({ id: 'c4', authorName: 'Claire', content: '<p>Great write-up.</p>' }),
  ];
}

/** The server's default discussion settings, as the post page query returns them. */
export function discussionRules(
  overrides: Partial<DiscussionRulesFragment> = {},
): DiscussionRulesFragment {
  return {
    commentFields: [
      { name: 'content', required: true, maxLength: 10_000 },
      { name: 'authorName', required: true, maxLength: 245 },
      { name: 'authorEmail', required: true, maxLength: 100 },
      { name: 'authorUrl', required: false, maxLength: 200 },
    ],
    threadDepth: 5,
    ...overrides,
  };
}

/** The form's rules from the default settings, with some fields changed. */
export function formRules(overrides: Partial<FieldRules> = {}): FieldRules {
  return { ...fieldRules(discussionRules().commentFields), ...overrides };
}
