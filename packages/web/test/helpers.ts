import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { defineComponent } from 'vue';
import type { ThreadComment } from '../src/components/comments/thread';

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
