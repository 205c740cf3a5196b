import { tags } from '../../db/changes.js';
import DataLoader from 'dataloader';
import { fromMap } from '../../lib/loaders.js';
import type { DiscussionSettingsService } from '../discussion/discussion-settings.service.js';
import { defineModule, type ModuleDeps } from '../module.js';
import { postEntities, type AuthorRow, type PostRow, type TagRow } from './entities.js';
import type { EditorialHooks } from './hooks.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { POST_LIVE_JOB, postWentLive, type PostLivePayload } from './operations/going-live.js';
import { postEditorTypeDefs } from './post-editor.graphql.js';
import { postEditorResolvers } from './post-editor.resolvers.js';
import { PostEditorService } from './post-editor.service.js';
import { postsTypeDefs } from './posts.graphql.js';
import { postsResolvers } from './posts.resolvers.js';
import { PostsService, type PostListArgs } from './posts.service.js';
import type { Page } from '../../lib/pagination.js';

/** Posts, their authors and tags: what readers read and editors write. */
export const postsModule = defineModule({
  name: 'posts',
  typeDefs: [postsTypeDefs, postEditorTypeDefs],
  resolvers: [postsResolvers, postEditorResolvers],
  entities: postEntities,
  // A revision is shown to editors only.
  privateTables: ['post_revisions'],
  mappers: {
    Post: 'entities.js#PostRow',
    Author: 'entities.js#AuthorRow',
    Tag: 'entities.js#TagRow',
    PostRevision: 'entities.js#PostRevisionRow',
  },
  services: (
    deps: ModuleDeps<{
      discussionSettings: DiscussionSettingsService;
      jobs: JobQueue;
      editorialHooks?: EditorialHooks;
    }>,
  ) => {
    const { db, config, events, discussionSettings, jobs } = deps;
    // Filled in by later modules (linkbacks pings on publication), or handed in by tests.
    const editorialHooks: EditorialHooks = 'editorialHooks' in deps ? deps.editorialHooks! : {};
    return {
      posts: new PostsService({ db, config }),
      postEditor: new PostEditorService({
        db,
        events,
        hooks: editorialHooks,
        discussionSettings,
        jobs,
      }),
      editorialHooks,
    };
  },
  jobs: ({ db, events, editorialHooks }) => ({
    [POST_LIVE_JOB]: (payload) =>
      postWentLive({ db, events, hooks: editorialHooks }, payload as PostLivePayload),
  }),
  loaders: ({ posts }, { reads }) => {
    const author = new DataLoader<number, AuthorRow>(
      fromMap(
        (ids) => posts.authorsByIds(ids),
        (id) => new Error(`Author ${id} not found`),
      ),
    );
    const postTags = new DataLoader<number, TagRow[]>(
      fromMap(
        (ids) => posts.tagsByPostIds(ids),
        () => [],
      ),
    );
    return {
      author,
      tags: postTags,
      /**
       * A published post by slug, read once per request: the reader page's route
       * (status, meta) and its Query.post share one statement, which reads the
       * author and the tags too (primed into `author` and `tags`, so Post.author
       * and Post.tags read nothing more).
       */
      publishedBySlug: new DataLoader<string, PostRow | null>(
        async (slugs) =>
          Promise.all(
            slugs.map(async (slug) => {
              reads.read(tags.slug(slug));
              const found = await posts.findPublishedBySlugWithAuthor(slug);
              if (!found) return null;
              author.prime(found.author.id, found.author);
              postTags.prime(found.post.id, found.tags);
              reads.read(tags.post(found.post.id), tags.author(found.author.id));
              return found.post;
            }),
          ),
        { batch: false },
      ),
      /** A page of published posts (Query.posts); their authors and tags come in the same statement, into `author` and `tags`. */
      publishedPosts: async (args: PostListArgs): Promise<Page<PostRow>> => {
        const { page, authors, tags: tagsOf } = await posts.listPublished(args);
        for (const a of authors) author.prime(a.id, a);
        for (const [id, list] of tagsOf) postTags.prime(id, list);
        reads.read(tags.posts);
        for (const { node } of page.edges)
          reads.read(tags.post(node.id), tags.author(node.authorId));
        return page;
      },
      /** Posts whatever their status: only for editors' types, whose services checked rights. */
      anyPost: new DataLoader<number, PostRow>(
        fromMap(
          (ids) => posts.byIds(ids),
          (id) => new Error(`Post ${id} not found`),
        ),
      ),
    };
  },
});
