import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK_ENV, sourcePage, type WebmentionStatusBody } from '../support/linkbacks.js';
import { eventually } from '../support/jobs.js';
import { preparedDatabase, spawnServer, type ServerProcess } from '../support/process.js';

// https sources, verified against a local TLS server whose certificate a test
// CA signed. The server under test runs in its own process with
// NODE_EXTRA_CA_CERTS naming that CA, as an operator would configure a
// private CA; a source whose certificate no trusted CA signed is rejected,
// saying why. One database kind: TLS does not depend on it.

const SEED_SLUG = 'social-media-surgery-for-mental-health-smsmhealth';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const openssl = hasOpenssl();
if (!openssl) {
  if (process.env.CI === 'true') throw new Error('the openssl binary is needed (CI installs it)');
  console.warn('skipping the https source tests: no openssl binary on this machine');
}

/** Runs openssl in `dir`. */
const ssl = (dir: string, ...args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

/** A test CA, a certificate it signed for localhost/127.0.0.1, and a self-signed one. */
function makeCertificates(dir: string) {
  ssl(dir, 'req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=Colloquy Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'); // prettier-ignore
  ssl(dir, 'req', ...EC, '-keyout', 'site.key', '-out', 'site.csr', '-subj', '/CN=localhost');
  fs.writeFileSync(
    path.join(dir, 'site.ext'),
    `${NAMES}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  ssl(dir, 'x509', '-req', '-in', 'site.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-CAcreateserial', '-out', 'site.pem', '-days', '2', '-extfile', 'site.ext'); // prettier-ignore
  ssl(dir, 'req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2',
    '-subj', '/CN=localhost', '-addext', NAMES); // prettier-ignore
  const read = (name: string) => fs.readFileSync(path.join(dir, name));
  return {
    caFile: path.join(dir, 'ca.pem'),
    signed: { key: read('site.key'), cert: read('site.pem') },
    selfSigned: { key: read('self.key'), cert: read('self.pem') },
  };
}

interface HttpsSite {
  origin: string;
  /** Requests that got past the TLS handshake. */
  requests: string[];
  close(): Promise<void>;
}

/** An https blog on 127.0.0.1 whose every page links to `target`. */
async function startHttpsSite(
  credentials: { key: Buffer; cert: Buffer },
  target: string,
): Promise<HttpsSite> {
  const requests: string[] = [];
  const server = https.createServer(credentials, (req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(sourcePage({ title: 'Over TLS', targets: [target] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(!openssl)('https webmention sources', () => {
  let dir: string;
  let server: ServerProcess;
  let drop: () => Promise<void>;
  let trusted: HttpsSite;
  let untrusted: HttpsSite;
  let target: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-tls-'));
    const certificates = makeCertificates(dir);
    const fresh = await preparedDatabase('sqlite');
    drop = fresh.drop;
    server = await spawnServer(fresh.db, {
      env: { ...LOOPBACK_ENV, NODE_EXTRA_CA_CERTS: certificates.caFile },
    });
    target = `${server.url}/posts/${SEED_SLUG}`;
    trusted = await startHttpsSite(certificates.signed, target);
    untrusted = await startHttpsSite(certificates.selfSigned, target);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await trusted?.close();
    await untrusted?.close();
    await drop?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Sends a webmention to the server under test and waits for its final status. */
  async function mention(source: string): Promise<WebmentionStatusBody> {
    const res = await fetch(`${server.url}/webmention`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ source, target }).toString(),
    });
    expect(res.status, await res.text()).toBe(201);
    const location = res.headers.get('location')!;
    let body: WebmentionStatusBody | undefined;
    await eventually(`the webmention from ${source}`, async () => {
      body = (await (await fetch(location)).json()) as WebmentionStatusBody;
      return body.status === 'accepted' || body.status === 'rejected';
    });
    return body!;
  }

  it('verifies a source whose certificate the configured CA signed', async () => {
    const source = `${trusted.origin}/a-reply`;
    expect(await mention(source)).toMatchObject({
      status: 'accepted',
      result: 'created',
      reason: 'The webmention was verified.',
      source,
    });
    expect(trusted.requests).toEqual(['/a-reply']);
  });

  it('rejects a source with an untrusted certificate at once, saying why', async () => {
    const source = `${untrusted.origin}/a-reply`;
    const body = await mention(source);
    expect(body.status).toBe('rejected');
    expect(body.reason).toMatch(
      /^The source could not be fetched: the TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT: self[- ]signed certificate\)\.$/,
    );
    // Refused in the handshake: no request was sent.
    expect(untrusted.requests).toEqual([]);
  });
});
