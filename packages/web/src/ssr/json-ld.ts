import type { PostPageQuery } from '../generated/graphql';

type PageComment = {
  id: string;
  authorName: string;
  authorUrl?: string | null;
  content: string;
  createdAt: string;
  replies?: { edges: ReadonlyArray<{ node: PageComment }> } | null;
};

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * Text of the server's sanitized comment HTML (paragraphs, line breaks,
 * links, emphasis): tags dropped, blocks separated by blank lines, entities
 * decoded once.
 */
export function sanitizedHtmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code =
          name[1] === 'x' || name[1] === 'X'
            ? Number.parseInt(name.slice(2), 16)
            : Number(name.slice(1));
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .trim();
}

function person(name: string, url: string | null | undefined) {
  return { '@type': 'Person', name, ...(url ? { url } : {}) };
}

function flatten(
  edges: ReadonlyArray<{ node: PageComment }>,
  into: PageComment[] = [],
): PageComment[] {
  for (const { node } of edges) {
    into.push(node);
    if (node.replies) flatten(node.replies.edges, into);
  }
  return into;
}

/**
 * schema.org BlogPosting for search engines: the post, its author, dates,
 * tags, comment count and the comments this page shows.
 */
export function blogPostingJsonLd(post: NonNullable<PostPageQuery['post']>) {
  const comments = flatten(post.comments.edges as ReadonlyArray<{ node: PageComment }>);
  return {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    '@id': post.url,
    url: post.url,
    mainEntityOfPage: post.url,
    headline: post.title,
    description: post.excerpt,
    author: person(post.author.name, post.author.url),
    ...(post.publishedAt ? { datePublished: post.publishedAt } : {}),
    dateModified: post.updatedAt,
    ...(post.tags.length ? { keywords: post.tags.map((tag) => tag.name) } : {}),
    commentCount: post.commentCount,
    comment: comments.map((comment) => ({
      '@type': 'Comment',
      '@id': `${post.url}#comment-${comment.id}`,
      url: `${post.url}#comment-${comment.id}`,
      author: person(comment.authorName, comment.authorUrl),
      datePublished: comment.createdAt,
      text: sanitizedHtmlToText(comment.content),
    })),
  };
}
