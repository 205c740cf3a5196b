import type { Database } from '../db/database.js';
import type { AuthorRow, PostRow, PostTagRow, TagRow } from '../modules/posts/entities.js';
import { insertCommentRow } from '../modules/comments/store.js';
import { insertLinkback } from '../modules/linkbacks/store.js';
import type { SettingRow } from '../db/settings.js';
import type { ShareTargetRow } from '../modules/share/entities.js';
import { htmlToText, plainTextToHtml, sanitizePostHtml, truncateText } from '../lib/html.js';
import {
  seedAuthor,
  seedComments,
  seedPingbacks,
  seedPost,
  seedShareTargets,
  seedSite,
} from './smsmhealth.js';

const SEEDED = 'seed.applied_at';

/**
 * Seeds the seed post on an empty database. Runs at most once per database:
 * a flag in settings remembers it, so deleting the seed content later does
 * not bring it back.
 */
export async function seedIfEmpty(db: Database): Promise<boolean> {
  const settings = db.read.getRepository<SettingRow>('Setting');
  if (await settings.existsBy({ key: SEEDED })) return false;
  try {
    return await db.write(async (em) => {
      // Checked again inside the unit of work: another process may have seeded meanwhile.
      if (await em.getRepository<SettingRow>('Setting').existsBy({ key: SEEDED })) return false;
      if ((await em.getRepository<PostRow>('Post').count()) > 0) {
        await em
          .getRepository<SettingRow>('Setting')
          .save({ key: SEEDED, value: 'skipped: database had posts' });
        return false;
      }
      const now = new Date();
      const author = await em
        .getRepository<AuthorRow>('Author')
        .save({ ...seedAuthor, createdAt: now });
      const contentHtml = sanitizePostHtml(seedPost.contentHtml);
      const post = await em.getRepository<PostRow>('Post').save({
        slug: seedPost.slug,
        title: seedPost.title,
        contentHtml,
        contentSource: seedPost.contentHtml,
        excerpt: truncateText(htmlToText(contentHtml), 200),
        status: 'PUBLISHED',
        publishedAt: seedPost.publishedAt,
        createdAt: seedPost.publishedAt,
        updatedAt: seedPost.publishedAt,
        authorId: author.id,
        commentsOpen: true,
        pingsOpen: true,
      });
      for (const tag of seedPost.tags) {
        const saved = await em.getRepository<TagRow>('Tag').save(tag);
        await em.getRepository<PostTagRow>('PostTag').save({ postId: post.id, tagId: saved.id });
      }
      for (const c of seedComments) {
        // Through the comment store, so the thread counters count it.
        await insertCommentRow(em, {
          postId: post.id,
          parentId: null,
          depth: 0,
          authorName: c.authorName,
          authorEmail: c.authorEmail,
          authorUrl: c.authorUrl,
          contentText: c.content,
          contentHtml: plainTextToHtml(c.content),
          status: 'APPROVED',
          moderationReason: null,
          ip: null,
          userAgent: null,
          createdAt: c.createdAt,
          userId: null,
          byPostAuthor: false,
        });
      }
      for (const p of seedPingbacks) {
        await insertLinkback(em, { postId: post.id, kind: 'PINGBACK', status: 'APPROVED', ...p });
      }
      await em.getRepository<ShareTargetRow>('ShareTarget').save(
        seedShareTargets.map((t, i) => ({
          key: t.key,
          name: t.name,
          label: t.label,
          urlTemplate: t.urlTemplate,
          enabled: !t.retiredReason,
          retired: Boolean(t.retiredReason),
          retiredReason: t.retiredReason ?? null,
          position: i + 1,
        })),
      );
      await em.getRepository<SettingRow>('Setting').save([
        { key: 'site.title', value: seedSite.title },
        { key: 'site.description', value: seedSite.description },
        { key: SEEDED, value: now.toISOString() },
      ]);
      return true;
    });
  } catch (error) {
    // Another process started at the same moment may have seeded first.
    if (await settings.existsBy({ key: SEEDED })) return false;
    throw error;
  }
}
