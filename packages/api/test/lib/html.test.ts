import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  htmlToText,
  plainTextToHtml,
  sanitizePostHtml,
  truncateText,
} from '../../src/lib/html.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`a & b < c > d " e ' f – ü`)).toBe(
      'a &amp; b &lt; c &gt; d &quot; e &#39; f – ü',
    );
  });
});

describe('plainTextToHtml', () => {
  it('escapes & < > " and \'', () => {
    expect(plainTextToHtml(`Tom & Jerry <b>bold</b> "quoted" it's`)).toBe(
      '<p>Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot; it&#39;s</p>',
    );
  });

  it('turns a script tag into inert text', () => {
    const html = plainTextToHtml('<script>alert(1)</script>');
    expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).not.toContain('<script');
  });

  it('makes a paragraph per blank-line-separated block and <br> for single newlines', () => {
    expect(plainTextToHtml('one\ntwo\n\nthree\n   \n\nfour')).toBe(
      '<p>one<br>\ntwo</p>\n<p>three</p>\n<p>four</p>',
    );
  });

  it('normalises CRLF and CR line endings and trims the whole text', () => {
    expect(plainTextToHtml('\r\n  a\r\nb\r\rc  \n')).toBe('<p>a<br>\nb</p>\n<p>c</p>');
  });

  it('returns an empty string for blank text', () => {
    expect(plainTextToHtml('  \n\n  ')).toBe('');
  });

  it('links http and https URLs with rel="nofollow ugc"', () => {
    expect(plainTextToHtml('see http://example.com/a and https://example.org/b?x=1&y=2')).toBe(
      '<p>see <a href="http://example.com/a" rel="nofollow ugc">http://example.com/a</a> and ' +
        '<a href="https://example.org/b?x=1&amp;y=2" rel="nofollow ugc">https://example.org/b?x=1&amp;y=2</a></p>',
    );
  });

  it('links bare www. hosts with an http:// href', () => {
    expect(plainTextToHtml('visit www.example.com today')).toBe(
      '<p>visit <a href="http://www.example.com" rel="nofollow ugc">www.example.com</a> today</p>',
    );
  });

  it('leaves trailing punctuation out of the link', () => {
    expect(plainTextToHtml('Read https://example.com/post. Or (https://example.com/x), ok?')).toBe(
      '<p>Read <a href="https://example.com/post" rel="nofollow ugc">https://example.com/post</a>. ' +
        'Or (<a href="https://example.com/x" rel="nofollow ugc">https://example.com/x</a>), ok?</p>',
    );
    expect(plainTextToHtml('Really? https://example.com/!?!')).toBe(
      '<p>Really? <a href="https://example.com/" rel="nofollow ugc">https://example.com/</a>!?!</p>',
    );
  });

  it('does not let quotes or angle brackets break out of a link', () => {
    const html = plainTextToHtml('https://example.com/"onmouseover="alert(1) https://x.org/<img>');
    expect(html).toBe(
      '<p><a href="https://example.com/" rel="nofollow ugc">https://example.com/</a>&quot;onmouseover=&quot;alert(1) ' +
        '<a href="https://x.org/" rel="nofollow ugc">https://x.org/</a>&lt;img&gt;</p>',
    );
  });

  it('never turns javascript: (or other schemes) into a link', () => {
    for (const text of [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html,hi',
      'ftp://example.com/file',
    ]) {
      const html = plainTextToHtml(text);
      expect(html).not.toContain('<a');
      expect(html).toBe(`<p>${escapeHtml(text)}</p>`);
    }
    // A javascript: prefix before an http URL only links the http URL.
    expect(plainTextToHtml('javascript:https://example.com')).toBe(
      '<p>javascript:<a href="https://example.com" rel="nofollow ugc">https://example.com</a></p>',
    );
  });
});

describe('sanitizePostHtml', () => {
  it('drops <script> elements together with their content', () => {
    expect(sanitizePostHtml('<p>before</p><script>alert(1)</script><p>after</p>')).toBe(
      '<p>before</p><p>after</p>',
    );
  });

  it('drops on* event handler attributes', () => {
    expect(
      sanitizePostHtml(
        '<p onclick="x()">a</p><a href="https://example.com" onmouseover="y()">b</a><img src="https://example.com/i.png" onerror="z()">',
      ),
    ).toBe('<p>a</p><a href="https://example.com">b</a><img src="https://example.com/i.png" />');
  });

  it('drops javascript: hrefs but keeps the link text', () => {
    expect(sanitizePostHtml('<a href="javascript:alert(1)">click</a>')).toBe('<a>click</a>');
    expect(sanitizePostHtml('<a href=" JaVaScRiPt:alert(1)">click</a>')).toBe('<a>click</a>');
  });

  it('drops style attributes and style elements', () => {
    expect(sanitizePostHtml('<p style="color:red">red</p><style>p{}</style>')).toBe('<p>red</p>');
  });

  it('drops iframes, forms and non-http image sources', () => {
    expect(
      sanitizePostHtml(
        '<iframe src="https://evil.example"></iframe><form><input></form><img src="data:image/png;base64,AA">',
      ),
    ).toBe('<img />');
  });

  it('keeps p, a, strong, em, blockquote and img with an https src', () => {
    const html =
      '<p>Hello <strong>bold</strong> <em>em</em> <a href="https://example.com/x" title="t">link</a></p>' +
      '<blockquote>quoted</blockquote>' +
      '<img src="https://example.com/i.png" alt="pic" />';
    expect(sanitizePostHtml(html)).toBe(html);
  });
});

describe('htmlToText', () => {
  it('strips markup, collapses white space and decodes entities', () => {
    expect(
      htmlToText(
        '<p>Tom &amp; Jerry</p>\n\n<p>say &quot;hi&quot; &lt;loudly&gt; it&#39;s&nbsp;fine</p>',
      ),
    ).toBe(`Tom & Jerry say "hi" <loudly> it's fine`);
  });

  it('drops script and style content entirely', () => {
    expect(htmlToText('<p>a</p>\n<script>alert(1)</script><style>p{}</style>\n<p>b</p>')).toBe(
      'a b',
    );
  });

  it('decodes numeric entities', () => {
    expect(htmlToText('<p>didn&#8217;t &#x2013; done</p>')).toBe('didn’t – done');
  });

  it('decodes each entity once: an escaped entity stays literal text', () => {
    // The HTML `&amp;lt;b&amp;gt;` is the text "&lt;b&gt;", not "<b>".
    // BUG (src/lib/html.ts htmlToText): &amp; is decoded first and the result is
    // decoded again, so "&amp;lt;" becomes "<".
    expect(htmlToText('<p>Type &amp;lt;b&amp;gt; for bold</p>')).toBe('Type &lt;b&gt; for bold');
  });
});

describe('truncateText', () => {
  it('returns short text unchanged', () => {
    expect(truncateText('short', 10)).toBe('short');
    expect(truncateText('exactly10!', 10)).toBe('exactly10!');
  });

  it('cuts at a word boundary and adds an ellipsis, never exceeding max', () => {
    const text = 'The quick brown fox jumps over the lazy dog';
    expect(truncateText(text, 21)).toBe('The quick brown fox…');
    // A word that ends exactly at the cut is kept…
    expect(truncateText(text, 20)).toBe('The quick brown fox…');
    // …one that might continue past it is dropped whole.
    expect(truncateText(text, 19)).toBe('The quick brown…');
    // Code points, not UTF-16 units: an emoji is never split.
    expect(truncateText('ab 😀😀😀😀 cd', 6)).toBe('ab 😀😀…');
    for (let max = 5; max < text.length; max++) {
      const cut = truncateText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.endsWith('…')).toBe(true);
      expect(text.startsWith(cut.slice(0, -1))).toBe(true);
    }
  });

  it('cuts mid-word when the last space is too early', () => {
    expect(truncateText('a verylongwordwithoutspaces', 12)).toBe('a verylongw…');
    expect(truncateText('abcdefghijklmnop', 10)).toBe('abcdefghi…');
  });

  it('does not leave white space before the ellipsis', () => {
    const cut = truncateText('word1 word2 word3   word4 word5', 20);
    expect(cut).toBe('word1 word2 word3…');
  });
});
