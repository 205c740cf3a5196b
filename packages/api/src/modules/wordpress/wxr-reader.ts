import fs from 'node:fs';
import { SaxesParser, type SaxesTagNS } from 'saxes';

/**
 * A streaming reader of WordPress eXtended RSS (WXR 1.0–1.2), as
 * WordPress's exporter writes it: a SAX parser (saxes) over the file read
 * in chunks, turned into a sequence of small events (an author, a term, a
 * post's fields, each of its comments, the post's end). Nothing but the
 * item being read is held in memory, so an export of any size is read in
 * bounded memory.
 */

/** Where in the file something is (1-based). */
export interface Position {
  line: number;
  column: number;
}

/** A malformed or unexpected file: what and where, in one line. */
export class WxrError extends Error {
  override name = 'WxrError';
  constructor(
    readonly file: string,
    readonly position: Position | null,
    readonly what: string,
  ) {
    super(
      position
        ? `${file}: line ${position.line}, column ${position.column}: ${what}`
        : `${file}: ${what}`,
    );
  }
}

export interface WxrChannel {
  version: string;
  title: string;
  link: string;
  baseSiteUrl: string;
}

export interface WxrAuthor {
  id: string;
  login: string;
  email: string;
  displayName: string;
}

export interface WxrTerm {
  taxonomy: 'category' | 'post_tag';
  slug: string;
  name: string;
}

export interface WxrPost {
  postId: string;
  guid: string;
  link: string;
  title: string;
  content: string;
  excerpt: string;
  creator: string;
  postDate: string;
  postDateGmt: string;
  commentStatus: string;
  pingStatus: string;
  postName: string;
  status: string;
  postType: string;
  /** The item's categories and tags (domain category or post_tag). */
  terms: { domain: string; slug: string; name: string }[];
  position: Position;
}

export interface WxrComment {
  commentId: string;
  author: string;
  authorEmail: string;
  authorUrl: string;
  authorIp: string;
  date: string;
  dateGmt: string;
  content: string;
  approved: string;
  type: string;
  parent: string;
  userId: string;
  /** Its wp:commentmeta, by key. */
  meta: Map<string, string>;
  position: Position;
}

export type WxrEvent =
  | { kind: 'channel'; channel: WxrChannel }
  | { kind: 'author'; author: WxrAuthor }
  | { kind: 'term'; term: WxrTerm }
  | { kind: 'post'; post: WxrPost }
  | { kind: 'comment'; comment: WxrComment }
  | { kind: 'postEnd'; post: WxrPost };

const SUPPORTED_VERSIONS = new Set(['1.0', '1.1', '1.2']);

/** Short names for the namespaces WXR uses, whatever prefix a file gives them. */
function prefixOf(uri: string): string {
  if (/^https?:\/\/wordpress\.org\/export\/1\.\d+\/excerpt\/?$/.test(uri)) return 'excerpt';
  if (/^https?:\/\/wordpress\.org\/export\/1\.\d+\/?$/.test(uri)) return 'wp';
  if (uri === 'http://purl.org/rss/1.0/modules/content/') return 'content';
  if (uri === 'http://purl.org/dc/elements/1.1/') return 'dc';
  return uri === '' ? '' : `{${uri}}`;
}

const POST_FIELDS: Record<string, keyof WxrPost> = {
  title: 'title',
  link: 'link',
  guid: 'guid',
  'dc:creator': 'creator',
  'content:encoded': 'content',
  'excerpt:encoded': 'excerpt',
  'wp:post_id': 'postId',
  'wp:post_date': 'postDate',
  'wp:post_date_gmt': 'postDateGmt',
  'wp:comment_status': 'commentStatus',
  'wp:ping_status': 'pingStatus',
  'wp:post_name': 'postName',
  'wp:status': 'status',
  'wp:post_type': 'postType',
};

const COMMENT_FIELDS: Record<string, keyof WxrComment> = {
  'wp:comment_id': 'commentId',
  'wp:comment_author': 'author',
  'wp:comment_author_email': 'authorEmail',
  'wp:comment_author_url': 'authorUrl',
  'wp:comment_author_IP': 'authorIp',
  'wp:comment_date': 'date',
  'wp:comment_date_gmt': 'dateGmt',
  'wp:comment_content': 'content',
  'wp:comment_approved': 'approved',
  'wp:comment_type': 'type',
  'wp:comment_parent': 'parent',
  'wp:comment_user_id': 'userId',
};

const AUTHOR_FIELDS: Record<string, keyof WxrAuthor> = {
  'wp:author_id': 'id',
  'wp:author_login': 'login',
  'wp:author_email': 'email',
  'wp:author_display_name': 'displayName',
};

const emptyPost = (position: Position): WxrPost => ({
  postId: '',
  guid: '',
  link: '',
  title: '',
  content: '',
  excerpt: '',
  creator: '',
  postDate: '',
  postDateGmt: '',
  commentStatus: '',
  pingStatus: '',
  postName: '',
  status: '',
  postType: '',
  terms: [],
  position,
});

const emptyComment = (position: Position): WxrComment => ({
  commentId: '',
  author: '',
  authorEmail: '',
  authorUrl: '',
  authorIp: '',
  date: '',
  dateGmt: '',
  content: '',
  approved: '',
  type: '',
  parent: '',
  userId: '',
  meta: new Map(),
  position,
});

/** The events of a WXR file, in file order. Throws WxrError for a file that is not well-formed WXR. */
export async function* readWxr(file: string, label = file): AsyncGenerator<WxrEvent> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const out: WxrEvent[] = [];
  const stack: string[] = [];
  let text: string[] | null = null;
  // Filled as the channel's fields come; announced at <wp:wxr_version> (title and link come before it).
  const channel: WxrChannel = { version: '', title: '', link: '', baseSiteUrl: '' };
  let sawRss = false;
  let post: WxrPost | null = null;
  let postAnnounced = false;
  let comment: WxrComment | null = null;
  let author: WxrAuthor | null = null;
  let term: (WxrTerm & { kind: string }) | null = null;
  let category: { domain: string; slug: string } | null = null;
  let meta: { key: string; value: string } | null = null;

  const here = (): Position => ({ line: parser.line, column: parser.column });
  const fail = (what: string, position: Position | null = here()): never => {
    throw new WxrError(label, position, what);
  };
  const announcePost = () => {
    if (post && !postAnnounced) {
      postAnnounced = true;
      out.push({ kind: 'post', post });
    }
  };

  parser.on('error', (error) => {
    // saxes writes "line:column: message"; we say it our way.
    const message = error.message.replace(/^[^:]*:?\d+:\d+: /, '');
    fail(`malformed XML: ${message}`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const name = `${prefixOf(tag.uri)}${tag.uri ? ':' : ''}${tag.local}`.replace(/^:/, '');
    const parent = stack[stack.length - 1];
    stack.push(name);
    if (stack.length === 1) {
      if (name !== 'rss')
        fail(`not a WordPress export: the root element is <${tag.name}>, not <rss>`);
      sawRss = true;
      return;
    }
    if (name === 'item' && parent === 'channel') {
      if (!channel.version) fail('not a WordPress export: an <item> comes before <wp:wxr_version>');
      post = emptyPost(here());
      postAnnounced = false;
    } else if (name === 'wp:comment' && post && parent === 'item') {
      announcePost();
      comment = emptyComment(here());
    } else if (name === 'wp:commentmeta' && comment && parent === 'wp:comment') {
      meta = { key: '', value: '' };
    } else if (name === 'wp:author' && parent === 'channel') {
      author = { id: '', login: '', email: '', displayName: '' };
    } else if ((name === 'wp:category' || name === 'wp:tag') && parent === 'channel') {
      term = {
        kind: name,
        taxonomy: name === 'wp:tag' ? 'post_tag' : 'category',
        slug: '',
        name: '',
      };
    } else if (name === 'category' && post && parent === 'item') {
      const attr = (local: string) => {
        const a = tag.attributes[local];
        return typeof a === 'object' ? a.value : (a ?? '');
      };
      category = { domain: attr('domain'), slug: attr('nicename') };
      text = [];
    }
    // Collect the text of the leaf fields we read.
    if (
      (comment && COMMENT_FIELDS[name]) ||
      (meta && (name === 'wp:meta_key' || name === 'wp:meta_value')) ||
      (post && !comment && parent === 'item' && POST_FIELDS[name]) ||
      (author && AUTHOR_FIELDS[name]) ||
      (term &&
        parent?.startsWith('wp:') &&
        /^wp:(cat_name|tag_name|category_nicename|tag_slug)$/.test(name)) ||
      (parent === 'channel' && /^(title|link|wp:wxr_version|wp:base_site_url)$/.test(name))
    ) {
      text = [];
    }
  });
  const onText = (t: string) => {
    if (text) text.push(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const name = stack.pop()!;
    const parent = stack[stack.length - 1];
    const value = text ? text.join('') : null;
    text = null;
    if (parent === 'channel' && value !== null) {
      if (name === 'wp:wxr_version') {
        const version = value.trim();
        if (!SUPPORTED_VERSIONS.has(version))
          fail(`unsupported WXR version ${version} (this import reads 1.0, 1.1 and 1.2)`);
        channel.version = version;
        out.push({ kind: 'channel', channel });
      } else if (name === 'title') channel.title = value.trim();
      else if (name === 'link') channel.link = value.trim();
      else if (name === 'wp:base_site_url') channel.baseSiteUrl = value.trim();
      return;
    }
    if (meta) {
      if (name === 'wp:commentmeta') {
        comment?.meta.set(meta.key.trim(), meta.value);
        meta = null;
      } else if (name === 'wp:meta_key') meta.key = value ?? '';
      else if (name === 'wp:meta_value') meta.value = value ?? '';
      return;
    }
    if (comment) {
      if (name === 'wp:comment') {
        out.push({ kind: 'comment', comment });
        comment = null;
      } else if (value !== null && COMMENT_FIELDS[name]) {
        comment[COMMENT_FIELDS[name]] = value as never;
      }
      return;
    }
    if (post) {
      if (name === 'item') {
        announcePost();
        out.push({ kind: 'postEnd', post });
        post = null;
      } else if (name === 'category' && category && value !== null) {
        post.terms.push({ ...category, name: value.trim() });
        category = null;
      } else if (value !== null && parent === 'item' && POST_FIELDS[name]) {
        (post as unknown as Record<string, string>)[POST_FIELDS[name]] = value;
      }
      return;
    }
    if (author) {
      if (name === 'wp:author') {
        out.push({ kind: 'author', author });
        author = null;
      } else if (value !== null && AUTHOR_FIELDS[name]) author[AUTHOR_FIELDS[name]] = value.trim();
      return;
    }
    if (term) {
      if (name === term.kind) {
        out.push({
          kind: 'term',
          term: { taxonomy: term.taxonomy, slug: term.slug, name: term.name },
        });
        term = null;
      } else if (value !== null) {
        if (name === 'wp:cat_name' || name === 'wp:tag_name') term.name = value.trim();
        else term.slug = value.trim();
      }
    }
  });

  let stream: fs.ReadStream;
  try {
    stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (out.length > 0) yield* out.splice(0, out.length);
    }
  } catch (error) {
    if (error instanceof WxrError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('no such file', null);
    if (code === 'EISDIR') fail('is a directory, not a file', null);
    throw error;
  }
  // A file cut short ends with elements still open: say which, at the end of the file.
  if (stack.length > 0) fail(`the file ends inside <${stack[stack.length - 1]}> (truncated?)`);
  parser.close();
  if (!sawRss) fail('not a WordPress export: the file holds no XML element', null);
  if (!channel.version) fail('not a WordPress export: no <wp:wxr_version> in the channel', null);
  yield* out.splice(0, out.length);
}
