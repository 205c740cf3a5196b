import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type RemoteFetchConfig } from '../../src/config.js';
import { classifyAddress, FORBIDDEN_ADDRESS } from '../../src/lib/remote/address-policy.js';
import { RemoteFetcher, RemoteFetchError } from '../../src/lib/remote/fetch.js';
import { html, startFixtureSite, type FixtureSite } from '../support/fixture-site.js';

const USER_AGENT = 'Colloquy/0.1 (+https://blog.example.org)';

function fetcher(overrides: Partial<RemoteFetchConfig> = {}): RemoteFetcher {
  const config = loadConfig({ COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH: '1' });
  return new RemoteFetcher({ ...config.remoteFetch, ...overrides }, () => USER_AGENT);
}

/** The RemoteFetchError a fetch fails with (fails the test when it succeeds). */
async function fetchError(promise: Promise<unknown>): Promise<RemoteFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteFetchError);
    return error as RemoteFetchError;
  }
  throw new Error('expected the fetch to fail');
}

describe('address policy', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2002:808:808::1',
  ])('treats %s as public', (ip) => {
    expect(classifyAddress(ip)).toBe('public');
  });

  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    'treats %s as loopback',
    (ip) => {
      expect(classifyAddress(ip)).toBe('loopback');
    },
  );

  it.each([
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '0.1.2.3',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '198.18.0.1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '::ffff:0.0.0.0',
    '::10.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::',
    '2001:db8::1',
    '2001::1',
    'not-an-ip',
  ])('refuses %s', (ip) => {
    expect(classifyAddress(ip)).toBe('forbidden');
  });
});

describe('remote fetches', () => {
  let site: FixtureSite;
  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(() => site?.close());

  it('sends an honest User-Agent and returns the final URL after redirects', async () => {
    site.route('/hop', { status: 302, headers: { location: '/page?x=1' } });
    site.route('/page?x=1', html('<p>hi</p>'));
    const response = await fetcher().fetch(`${site.origin}/hop`);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${site.origin}/page?x=1`);
    expect(response.body.toString()).toBe('<p>hi</p>');
    expect(site.requests.at(-1)!.headers['user-agent']).toBe(USER_AGENT);
  });

  it('follows at most 5 redirects', async () => {
    for (let i = 0; i < 6; i++)
      site.route(`/r${i}`, { status: 301, headers: { location: `/r${i + 1}` } });
    site.route('/r6', html('end'));
    site.route('/s0', { status: 307, headers: { location: '/r2' } });
    // s0 → r2 → r3 → r4 → r5 → r6: five redirects, allowed.
    expect((await fetcher().fetch(`${site.origin}/s0`)).url).toBe(`${site.origin}/r6`);
    const before = site.requests.length;
    const error = await fetchError(fetcher().fetch(`${site.origin}/r0`));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    // r0 … r5 were asked; r6, the sixth redirect's target, never was.
    expect(site.requests.slice(before).map((r) => r.path)).toEqual([
      '/r0',
      '/r1',
      '/r2',
      '/r3',
      '/r4',
      '/r5',
    ]);
  });

  it('does not follow a redirect to a private address (refused before connecting)', async () => {
    site.route('/to-metadata', {
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    });
    site.route('/to-private', { status: 302, headers: { location: 'http://10.0.0.1/admin' } });
    for (const path of ['/to-metadata', '/to-private']) {
      const error = await fetchError(fetcher().fetch(`${site.origin}${path}`));
      expect(error.code).toBe('FORBIDDEN_ADDRESS');
      expect(error.message).toContain(FORBIDDEN_ADDRESS);
    }
  });

  it('does not follow a redirect to another scheme', async () => {
    site.route('/to-file', { status: 302, headers: { location: 'file:///etc/passwd' } });
    expect((await fetchError(fetcher().fetch(`${site.origin}/to-file`))).code).toBe('BAD_URL');
    expect((await fetchError(fetcher().fetch('ftp://127.0.0.1/'))).code).toBe('BAD_URL');
  });

  it('stops reading an oversized body at the limit', async () => {
    site.route('/big', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      // 3 MiB, written in pieces; the fetcher hangs up after 1 MiB.
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const write = () => {
        while (sent < 48) {
          sent++;
          if (!res.write(chunk)) return res.once('drain', write);
        }
        res.end();
      };
      res.on('error', () => {});
      write();
    });
    const response = await fetcher().fetch(`${site.origin}/big`);
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBe(1024 * 1024);
  });

  it('applies the limit to the decompressed size (no zip bombs)', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 0));
    site.route('/bomb', {
      headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' },
      body: bomb as unknown as string,
    });
    site.route('/gzip', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('<p>compressed</p>'));
    });
    expect((await fetcher().fetch(`${site.origin}/gzip`)).body.toString()).toBe(
      '<p>compressed</p>',
    );
    const response = await fetcher().fetch(`${site.origin}/bomb`);
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBe(1024 * 1024);
  });

  it('gives up on a source that stalls', async () => {
    site.route('/stall', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>first bytes, then nothing');
    });
    const error = await fetchError(fetcher({ timeoutMs: 1500 }).fetch(`${site.origin}/stall`));
    expect(error.code).toBe('TIMEOUT');
  });
});

describe('remote fetches without the test-only loopback setting', () => {
  let site: FixtureSite;
  let v6: http.Server;
  let v6Connections = 0;
  let v6Port = 0;
  beforeAll(async () => {
    site = await startFixtureSite();
    site.route('/', html('secret'));
    v6 = http.createServer((_req, res) => res.end('secret'));
    v6.on('connection', () => v6Connections++);
    await new Promise<void>((resolve) => v6.listen(0, '::1', resolve));
    v6Port = (v6.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await site?.close();
    await new Promise((resolve) => v6?.close(resolve));
  });

  it('is off by default', () => {
    expect(loadConfig({}).remoteFetch.allowLoopback).toBe(false);
  });

  it('never connects to loopback, by address or by a name that resolves to it', async () => {
    const strict = new RemoteFetcher(loadConfig({}).remoteFetch, () => USER_AGENT);
    const port = new URL(site.origin).port;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://2130706433:${port}/`, // 127.0.0.1 written as one number
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::1]:${v6Port}/`,
    ]) {
      const error = await fetchError(strict.fetch(url));
      expect(error.code, url).toBe('FORBIDDEN_ADDRESS');
      expect(error.message).toContain(FORBIDDEN_ADDRESS);
    }
    expect(site.connections).toBe(0);
    expect(v6Connections).toBe(0);
  });

  it('refuses private and metadata addresses before connecting', async () => {
    const strict = new RemoteFetcher(loadConfig({}).remoteFetch, () => USER_AGENT);
    for (const url of [
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
    ]) {
      const error = await fetchError(strict.fetch(url));
      expect(error.code, url).toBe('FORBIDDEN_ADDRESS');
    }
  });

  it('still refuses private addresses when loopback is allowed for tests', async () => {
    const error = await fetchError(fetcher().fetch('http://192.168.0.1/'));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
  });
});
