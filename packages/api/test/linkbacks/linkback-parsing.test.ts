import { describe, expect, it } from 'vitest';
import { readHtml } from '../../src/lib/remote/html-document.js';
import { excerptAround, remoteText } from '../../src/lib/remote/plain-text.js';
import { parseLinkHeader } from '../../src/modules/linkbacks/discovery.js';
import { examineSource } from '../../src/modules/linkbacks/verification.js';
import type { XmlRpcError } from '../../src/modules/linkbacks/xmlrpc.js';
import {
  faultXml,
  methodCallXml,
  parseMethodCall,
  parseMethodResponse,
  responseXml,
} from '../../src/modules/linkbacks/xmlrpc.js';

const TARGET = 'https://blog.example.org/posts/hello';

function page(
  body: string,
  contentType = 'text/html; charset=utf-8',
  url = 'https://source.example/a/b',
) {
  return {
    status: 200,
    headers: { 'content-type': contentType },
    url,
    body: Buffer.from(body),
    truncated: false,
  };
}

describe('reading a source page', () => {
  it('resolves relative links against <base> and the page URL, and counts <img src> and <link href>', () => {
    const links = readHtml(
      '<base href="https://blog.example.org/posts/"><a href="hello">rel</a><img src="/img.png"><link rel="author" href="//x.example/me">',
      'https://source.example/a/b',
    ).links;
    expect(links.map((l) => [l.tag, l.url])).toEqual([
      ['a', TARGET],
      ['img', 'https://blog.example.org/img.png'],
      ['link', 'https://x.example/me'],
    ]);
  });

  it('matches the target exactly, ignoring only the fragment', () => {
    const ok = examineSource(page(`<a href="${TARGET}#comments">x</a>`), TARGET);
    expect(ok.ok).toBe(true);
    for (const near of [
      `${TARGET}/`,
      `${TARGET}?x=1`,
      'https://blog.example.org/posts/hello-world',
    ]) {
      expect(examineSource(page(`<a href="${near}">x</a>`), TARGET)).toMatchObject({
        ok: false,
        failure: 'NO_LINK',
      });
    }
  });

  it('finds the link in an image, a nested JSON value, or plain text', () => {
    expect(examineSource(page(`<img src="${TARGET}">`), TARGET).ok).toBe(true);
    expect(
      examineSource(
        page(JSON.stringify({ a: [{ b: { c: TARGET } }] }), 'application/activity+json'),
        TARGET,
      ).ok,
    ).toBe(true);
    expect(
      examineSource(page(JSON.stringify({ text: `see ${TARGET}` }), 'application/json'), TARGET).ok,
    ).toBe(false);
    expect(examineSource(page(`see ${TARGET} here`, 'text/plain'), TARGET).ok).toBe(true);
    expect(examineSource(page('<a href="x">', 'image/png'), TARGET).ok).toBe(false);
  });

  it('decodes the page in the charset it declares', () => {
    const latin1 = Buffer.from(`<title>Caf\xe9</title><a href="${TARGET}">x</a>`, 'latin1');
    const result = examineSource(
      {
        status: 200,
        headers: { 'content-type': 'text/html; charset=iso-8859-1' },
        url: 'https://s.example/',
        body: latin1,
        truncated: false,
      },
      TARGET,
    );
    expect(result.ok && result.evidence.title).toBe('Café');
  });
});

describe('excerpts and plain text', () => {
  it('keeps about 100 characters either side, cut at spaces, with […] where cut', () => {
    const text = `${'alpha '.repeat(30)}LINK${' omega'.repeat(30)}`;
    const at = text.indexOf('LINK');
    const excerpt = excerptAround(text, at, at + 4);
    expect(excerpt.startsWith('[…] alpha')).toBe(true);
    expect(excerpt.endsWith('omega […]')).toBe(true);
    expect(excerpt).toContain('LINK');
    expect(excerpt.length).toBeLessThanOrEqual(4 + 100 + 4 + 100 + 4);
    expect(excerptAround('short LINK text', 6, 10)).toBe('short LINK text');
  });

  it('strips markup and control characters from remote text', () => {
    expect(remoteText('<b>Bold</b>\u0000 and <script>x()</script>plain', 300)).toBe(
      'Bold and plain',
    );
    expect(remoteText('   ', 300)).toBeNull();
  });
});

describe('HTTP Link headers', () => {
  it('reads URLs and rel values, several per header and several headers', () => {
    expect(
      parseLinkHeader([
        '<https://a.example/wm?x=1,2>; rel="webmention", </other>; rel=alternate',
        '<https://b.example/>; title="t"; rel="me webmention"',
      ]),
    ).toEqual([
      { url: 'https://a.example/wm?x=1,2', rels: ['webmention'] },
      { url: '/other', rels: ['alternate'] },
      { url: 'https://b.example/', rels: ['me', 'webmention'] },
    ]);
  });
});

describe('XML-RPC', () => {
  it('round-trips calls, responses and faults, entities included', () => {
    expect(
      parseMethodCall(methodCallXml('pingback.ping', ['https://a.example/?a=1&b=<2>', TARGET])),
    ).toEqual({
      methodName: 'pingback.ping',
      params: ['https://a.example/?a=1&b=<2>', TARGET],
    });
    expect(parseMethodResponse(responseXml('Thanks & bye'))).toEqual({
      ok: true,
      value: 'Thanks & bye',
    });
    expect(parseMethodResponse(faultXml(17, 'No link'))).toEqual({
      ok: false,
      faultCode: 17,
      faultString: 'No link',
    });
  });

  it('reads untyped, numeric, boolean, array and struct values', () => {
    const call = parseMethodCall(
      '<methodCall><methodName>m</methodName><params>' +
        '<param><value>bare</value></param>' +
        '<param><value><i4>42</i4></value></param>' +
        '<param><value><boolean>1</boolean></value></param>' +
        '<param><value><array><data><value>a</value><value><int>1</int></value></data></array></value></param>' +
        '<param><value><struct><member><name>k</name><value><string>v</string></value></member></struct></value></param>' +
        '</params></methodCall>',
    );
    expect(call.params).toEqual(['bare', 42, true, ['a', 1], { k: 'v' }]);
  });

  it('refuses DTDs, malformed XML and documents that are not calls', () => {
    const code = (xml: string) => {
      try {
        parseMethodCall(xml);
      } catch (error) {
        return (error as XmlRpcError).faultCode;
      }
      return null;
    };
    expect(
      code('<!DOCTYPE m [<!ENTITY x "y">]><methodCall><methodName>&x;</methodName></methodCall>'),
    ).toBe(-32700);
    expect(code('<methodCall><methodName>m</methodCall>')).toBe(-32700);
    expect(code('<a/><b/>')).toBe(-32700);
    expect(code('<methodCall><params/></methodCall>')).toBe(-32600);
    expect(
      code(
        '<methodCall><methodName>m</methodName><params><param><value><i4>x</i4></value></param></params></methodCall>',
      ),
    ).toBe(-32600);
  });
});
