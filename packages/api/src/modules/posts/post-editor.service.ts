import { GraphQLError } from 'graphql';
import { assertReach, reach } from '../auth/policy.js';
import { renderPostContent } from './content.js';
import type { ContentFormat, PostRevisionRow, PostRow } from './entities.js';
import { LIMITS, messages } from './messages.js';
import type { Page } from '../../lib/pagination.js';
import type { Viewer } from '../auth/viewer.js';
import type { UserError } from '../../lib/user-errors.js';
import { createPost } from './operations/create-post.js';
import {
  assertCanSeeSource,
  findForEditor,
  listForEditor,
  revisionsOf,
  type EditorPostListArgs,
} from './operations/editor-queries.js';
import type { PostInput } from './operations/post-input.js';
import type { PostEditorDeps, PostPayload } from './operations/post-operation.js';
import { publishPost, unpublishPost } from './operations/publish-post.js';
import { restoreRevision } from './operations/restore-revision.js';
import { deletePost, restorePost, trashPost } from './operations/trash-post.js';
import { updatePost } from './operations/update-post.js';

export type { EditorPostListArgs } from './operations/editor-queries.js';
export type { PostInput } from './operations/post-input.js';
export type { PostPayload } from './operations/post-operation.js';
export { editorStatus, isVisible, type EditorPostStatus } from './visibility.js';

/**
 * Writing posts: drafts, publication (now or scheduled), trash, revisions.
 * Each method is one operation in ./operations/, which checks through the
 * policy module with the post's author as subject, validates (bad input
 * comes back as UserErrors and writes nothing), writes in one unit of work
 * and runs the publish hook after it has committed.
 */
export class PostEditorService {
  constructor(private readonly deps: PostEditorDeps) {}

  /** Any post, whatever its status; null for an unknown id. FORBIDDEN for posts the viewer may not read drafts of. */
  findForEditor(viewer: Viewer | null, id: string): Promise<PostRow | null> {
    return findForEditor(this.deps, viewer, id);
  }

  /** Every post the viewer may read drafts of (an AUTHOR: their own), most recently updated first. */
  list(viewer: Viewer | null, args: EditorPostListArgs): Promise<Page<PostRow>> {
    return listForEditor(this.deps, viewer, args);
  }

  /** What `content` renders to when saved (the publishing sanitizer); stores nothing. */
  preview(viewer: Viewer | null, content: string, format: ContentFormat): string {
    // Anyone who may write a post (their own, for an AUTHOR) may see how it renders.
    if (reach(viewer, 'post:create') === 'none') assertReach(viewer, 'post:edit');
    if (content.length > LIMITS.content) {
      throw new GraphQLError(messages.contentTooLong, {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 }, field: 'content' },
      });
    }
    return renderPostContent(content, format);
  }

  /** Revisions of a post, newest first. */
  revisions(viewer: Viewer | null, post: PostRow): Promise<PostRevisionRow[]> {
    return revisionsOf(this.deps, viewer, post);
  }

  /** The editor-only face of a post (source, revisions): for those who may read its drafts or edit it. */
  assertCanSeeSource(viewer: Viewer | null, post: PostRow): void {
    assertCanSeeSource(viewer, post);
  }

  /** Creates a draft credited to the viewer's author profile. */
  create(viewer: Viewer | null, input: PostInput & { title: string }): Promise<PostPayload> {
    return createPost(this.deps, viewer, input);
  }

  /** Changes what the input names; keeps a revision when the text changed. */
  update(viewer: Viewer | null, id: string, input: PostInput): Promise<PostPayload> {
    return updatePost(this.deps, viewer, id, input);
  }

  /** Brings a revision's text back (title, content, excerpt, tags); that itself is a new revision. */
  restoreRevision(viewer: Viewer | null, revisionId: string): Promise<PostPayload> {
    return restoreRevision(this.deps, viewer, revisionId);
  }

  /** Publishes now, or schedules for `publishAt` (a PUBLISHED post with a future publishedAt). */
  publish(
    viewer: Viewer | null,
    id: string,
    publishAt: Date | null | undefined,
  ): Promise<PostPayload> {
    return publishPost(this.deps, viewer, id, publishAt);
  }

  /** Takes the post off the site, back to a draft. */
  unpublish(viewer: Viewer | null, id: string): Promise<PostPayload> {
    return unpublishPost(this.deps, viewer, id);
  }

  trash(viewer: Viewer | null, id: string): Promise<PostPayload> {
    return trashPost(this.deps, viewer, id);
  }

  /** Out of the trash as a draft: publishing it again is a deliberate step. */
  restore(viewer: Viewer | null, id: string): Promise<PostPayload> {
    return restorePost(this.deps, viewer, id);
  }

  /** Deletes a trashed post for good, with its comments, linkbacks and revisions. */
  delete(
    viewer: Viewer | null,
    id: string,
  ): Promise<{ deletedId: number | null; errors: UserError[] }> {
    return deletePost(this.deps, viewer, id);
  }
}
