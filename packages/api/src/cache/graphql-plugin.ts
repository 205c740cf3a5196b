import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { GraphQLContext } from '../graphql/context.js';

/**
 * The root fields whose answers are the same for every anonymous reader, and
 * whose loaders note the tags of what they read (lib/read-scope.ts). Any
 * other field (the viewer, the editors' queues) makes the response personal.
 */
export const SHARED_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'post',
  'posts',
  'site',
  'discussionSettings',
  'shareTargets',
  '__typename',
]);

/**
 * Marks a GraphQL response as shareable (`loaders.reads.shared`; Apollo hands
 * plugins a copy of the context, so the mark goes on an object both share): an anonymous
 * query made only of SHARED_ROOT_FIELDS, answered without errors.
 */
export const shareablePlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, contextValue }) {
        contextValue.loaders.reads.shared =
          contextValue.viewer === null &&
          operation?.operation === 'query' &&
          onlySharedFields(operation.selectionSet, document, new Set());
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single' || response.body.singleResult.errors?.length)
          contextValue.loaders.reads.shared = false;
      },
    };
  },
};

function onlySharedFields(
  set: SelectionSetNode,
  document: DocumentNode,
  seen: Set<string>,
): boolean {
  return set.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return SHARED_ROOT_FIELDS.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT)
      return onlySharedFields(selection.selectionSet, document, seen);
    const name = selection.name.value;
    if (seen.has(name)) return true;
    seen.add(name);
    const fragment = document.definitions.find(
      (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name,
    );
    return (
      fragment?.kind === Kind.FRAGMENT_DEFINITION &&
      onlySharedFields(fragment.selectionSet, document, seen)
    );
  });
}
