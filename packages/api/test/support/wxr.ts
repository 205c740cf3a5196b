import fs from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a large WXR file as WordPress's exporter lays it out: `posts`
 * posts with `commentsPerPost` comments each, in threads (every fourth
 * comment starts one, the others reply to the one before), every tenth
 * held. Streamed to disk, so the test itself stays small.
 */
export async function writeLargeWxr(
  file: string,
  {
    posts,
    commentsPerPost,
    filler = 400,
  }: { posts: number; commentsPerPost: number; filler?: number },
): Promise<{ bytes: number; approvedPerPost: number }> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const pad = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '
    .repeat(Math.ceil(filler / 57))
    .slice(0, filler);
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Big blog</title>
	<link>http://big.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>http://big.example.org</wp:base_site_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login><wp:author_email><![CDATA[admin@big.example.org]]></wp:author_email><wp:author_display_name><![CDATA[Big Admin]]></wp:author_display_name></wp:author>
`);
  let id = 0;
  let approvedPerPost = 0;
  for (let p = 1; p <= posts; p++) {
    await write(`	<item>
		<title><![CDATA[Post number ${p}]]></title>
		<link>http://big.example.org/${2010 + (p % 10)}/01/01/post-${p}/</link>
		<dc:creator><![CDATA[admin]]></dc:creator>
		<guid isPermaLink="false">http://big.example.org/?p=${p}</guid>
		<content:encoded><![CDATA[First paragraph of post ${p}.

${pad}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>${p}</wp:post_id>
		<wp:post_date><![CDATA[2012-01-01 10:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2012-01-01 09:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[post-${p}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
`);
    let approved = 0;
    let previousReachable = false;
    for (let k = 0; k < commentsPerPost; k++) {
      id++;
      const parent = k % 4 === 0 ? 0 : id - 1;
      const held = k % 10 === 9;
      // A reply under a held comment is approved but readers cannot reach it: it is not counted.
      const reachable: boolean = !held && (parent === 0 || previousReachable);
      if (reachable) approved++;
      previousReachable = reachable;
      await write(`		<wp:comment>
			<wp:comment_id>${id}</wp:comment_id>
			<wp:comment_author><![CDATA[Reader ${id}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader${id % 1000}@example.com]]></wp:comment_author_email>
			<wp:comment_author_url>http://reader${id % 1000}.example.com/</wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.${id % 250}]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2012-01-02 10:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2012-01-02 09:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Comment ${id}. ${pad}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[${held ? '0' : '1'}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>${parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
`);
    }
    approvedPerPost = approved;
    await write('	</item>\n');
  }
  await write('</channel>\n</rss>\n');
  out.end();
  await once(out, 'finish');
  return { bytes: fs.statSync(file).size, approvedPerPost };
}
