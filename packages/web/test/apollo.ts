import { ApolloClient, ApolloLink, Observable } from '@apollo/client/core';
import { MockLink, type MockedResponse } from '@apollo/client/testing/core';
import { DefaultApolloClient } from '@vue/apollo-composable';
import { flushPromises } from '@vue/test-utils';
import { createCache } from '../src/apollo';
import { LOADED_LEVELS, type ThreadComment } from '../src/components/comments/thread';
import {
  PostPageDocument,
  SubmitCommentDocument,
  type DiscussionRulesFragment,
  type SubmitCommentInput,
  type SubmitCommentMutation,
} from '../src/generated/graphql';
import { comment, discussionRules } from './helpers';

/**
 * The app's client and cache over a mocked network, counting the operations
 * that reach it. `provide` goes into mount's `global.provide`.
 */
export function mockApollo(network: readonly MockedResponse[] | ApolloLink) {
  const operations: string[] = [];
  const count = new ApolloLink((operation, forward) => {
    operations.push(operation.operationName);
    return forward(operation);
  });
  const terminal = network instanceof ApolloLink ? network : new MockLink([...network]);
  const client = new ApolloClient({ cache: createCache(), link: count.concat(terminal) });
  return { client, operations, provide: { [DefaultApolloClient]: client } };
}

/** Lets the mocked network answer (MockLink answers on a timer) and Vue render what follows. */
export async function settle(): Promise<void> {
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 0));
  await flushPromises();
}

/** A network whose one answer the test gives (or withholds) when it likes. */
export function heldNetwork() {
  let fail: (error: Error) => void = () => undefined;
  const link = new ApolloLink(
    () =>
      new Observable((observer) => {
        fail = (error) => observer.error(error);
      }),
  );
  return { link, fail: (error: Error) => fail(error) };
}

/** The input the tests' visitor sends: fillAndSubmit's values. */
export function submission(overrides: Partial<SubmitCommentInput> = {}): SubmitCommentInput {
  return {
    postId: 'p1',
    parentId: null,
    authorName: 'Ann Reader',
    authorEmail: 'ann@example.com',
    authorUrl: 'https://ann.example',
    content: 'Lovely post',
    homepage: '',
    ...overrides,
  };
}

type Payload = SubmitCommentMutation['submitComment'];
type Submitted = NonNullable<Payload['comment']>;

export function submitted(
  id: string,
  parentId: string | null,
  content = '<p>Lovely post</p>',
): Submitted {
  return {
    __typename: 'Comment',
    id,
    depth: parentId ? 1 : 0,
    authorName: 'Ann Reader',
    authorUrl: 'https://ann.example',
    content,
    createdAt: '2024-01-01T10:00:00.000Z',
    byPostAuthor: false,
    parent: parentId ? { __typename: 'Comment', id: parentId } : null,
    replies: { __typename: 'CommentConnection', edges: [] },
  };
}

/** The server's answer to one submitComment. */
export function submitMock(
  input: SubmitCommentInput,
  answer: Partial<Omit<Payload, '__typename'>>,
): MockedResponse {
  const payload: Payload = {
    __typename: 'SubmitCommentPayload',
    status: null,
    comment: null,
    ...answer,
    errors: (answer.errors ?? []).map((error) => ({ __typename: 'UserError', ...error })),
  };
  return {
    request: { query: SubmitCommentDocument, variables: { input } },
    result: { data: { submitComment: payload } },
  };
}

function commentNode(node: ThreadComment, level: number): Record<string, unknown> {
  const fields = {
    __typename: 'Comment',
    id: node.id,
    depth: node.depth,
    authorName: node.authorName,
    authorUrl: node.authorUrl,
    content: node.content,
    createdAt: node.createdAt,
    byPostAuthor: node.byPostAuthor,
  };
  // The query asks for replies on every level but the deepest it loads.
  if (level >= LOADED_LEVELS - 1) return fields;
  const edges = node.replies.map((reply) => ({
    __typename: 'CommentEdge',
    node: commentNode(reply, level + 1),
  }));
  return { ...fields, replies: { __typename: 'CommentConnection', edges } };
}

/** The post page query's answer for post p1 (slug "p1"), with the given thread. */
export function postPageMock(
  options: {
    comments?: ThreadComment[];
    commentCount?: number;
    commentsOpen?: boolean;
    discussion?: DiscussionRulesFragment;
  } = {},
): MockedResponse {
  const comments = options.comments ?? [comment({ id: 'c1' })];
  const discussion = options.discussion ?? discussionRules();
  const post = {
    __typename: 'Post',
    id: 'p1',
    slug: 'p1',
    title: 'Social media surgery for mental health #smsmhealth',
    content: '<p>Today was our first ever social media surgery.</p>',
    excerpt: 'Today was our first ever social media surgery.',
    publishedAt: '2012-11-24T18:00:00.000Z',
    updatedAt: '2012-11-24T18:00:00.000Z',
    url: 'http://127.0.0.1:4000/posts/p1',
    commentsOpen: options.commentsOpen ?? true,
    commentCount: options.commentCount ?? comments.length,
    author: { __typename: 'Author', id: 'a1', name: 'Sam Hughes', url: null },
    tags: [],
    shareLinks: [],
    comments: {
      __typename: 'CommentConnection',
      totalCount: comments.length,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      edges: comments.map((node) => ({ __typename: 'CommentEdge', node: commentNode(node, 0) })),
    },
    linkbackCount: 0,
    linkbacks: { __typename: 'LinkbackConnection', edges: [] },
  };
  return {
    request: { query: PostPageDocument, variables: { slug: 'p1', after: null } },
    result: {
      data: {
        site: { __typename: 'Site', title: 'Colloquy', replyNotifications: false },
        discussionSettings: {
          __typename: 'DiscussionSettings',
          ...discussion,
          commentFields: discussion.commentFields.map((field) => ({
            __typename: 'CommentFormField',
            ...field,
          })),
        },
        post,
      },
    },
  };
}
