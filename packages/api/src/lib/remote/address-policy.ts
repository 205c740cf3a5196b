import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';

/**
 * Which addresses a remote fetch may connect to. Linkbacks make Colloquy
 * fetch URLs that strangers choose, so every connection goes through this
 * policy (SSRF protection): only public unicast addresses, checked on the
 * address actually connected to.
 */
export type AddressClass = 'public' | 'loopback' | 'forbidden';

/** IPv4 ranges that are not public unicast (RFC 6890 and friends), as [network, prefix length]. */
const IPV4_FORBIDDEN: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const IPV4_RANGES = IPV4_FORBIDDEN.map(([network, bits]) => ({
  base: ipv4ToInt(network),
  size: 2 ** (32 - bits),
}));

function classifyIPv4(ip: string): AddressClass {
  const n = ipv4ToInt(ip);
  if (n >>> 24 === 127) return 'loopback';
  return IPV4_RANGES.some((r) => n >= r.base && n < r.base + r.size) ? 'forbidden' : 'public';
}

/** The 8 hextets of a valid IPv6 address (zone id removed, embedded IPv4 expanded). */
function ipv6Hextets(ip: string): number[] {
  let text = ip.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4ToInt(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

function embeddedIPv4(high: number, low: number): string {
  return [high >>> 8, high & 0xff, low >>> 8, low & 0xff].join('.');
}

function classifyIPv6(ip: string): AddressClass {
  const h = ipv6Hextets(ip);
  const zeroUpTo = (n: number) => h.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(7) && h[7] === 1) return 'loopback'; // ::1
  if (zeroUpTo(8)) return 'forbidden'; // ::
  // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address it reaches.
  if (zeroUpTo(5) && h[5] === 0xffff) return classifyIPv4(embeddedIPv4(h[6]!, h[7]!));
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach IPv4 addresses too.
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0))
    return classifyIPv4(embeddedIPv4(h[6]!, h[7]!)) === 'public' ? 'public' : 'forbidden';
  if (h[0] === 0x2002)
    return classifyIPv4(embeddedIPv4(h[1]!, h[2]!)) === 'public' ? 'public' : 'forbidden';
  // Only global unicast (2000::/3) is public; inside it, a few special blocks are not:
  // 2001::/23 (IETF assignments, Teredo), 2001:db8::/32 (documentation).
  if ((h[0]! & 0xe000) !== 0x2000) return 'forbidden'; // ::/96, fc00::/7, fe80::/10, ff00::/8, 64:ff9b:1::/48, 100::/64…
  if (h[0] === 0x2001 && h[1]! < 0x200) return 'forbidden';
  if (h[0] === 0x2001 && h[1] === 0xdb8) return 'forbidden';
  return 'public';
}

/** Classifies an IP address (v4 or v6 text); anything that is not an IP address is forbidden. */
export function classifyAddress(ip: string): AddressClass {
  const version = net.isIP(ip.split('%')[0]!);
  if (version === 4) return classifyIPv4(ip);
  if (version === 6) return classifyIPv6(ip);
  return 'forbidden';
}

export function isAddressAllowed(ip: string, allowLoopback: boolean): boolean {
  const kind = classifyAddress(ip);
  return kind === 'public' || (kind === 'loopback' && allowLoopback);
}

/** Error code of a connection refused by the address policy. */
export const FORBIDDEN_ADDRESS = 'EFORBIDDENADDRESS';

export class ForbiddenAddressError extends Error {
  override name = 'ForbiddenAddressError';
  readonly code = FORBIDDEN_ADDRESS;
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${FORBIDDEN_ADDRESS}: refused to connect to ${host}${host === address ? '' : ` (${address})`}: not a public address`,
    );
  }
}

/**
 * A `lookup` for sockets that resolves the name and refuses the connection
 * when any address it resolves to is not allowed. Because the socket connects
 * to exactly the address checked here, a DNS answer that changes between a
 * check and the connection (DNS rebinding) cannot slip through.
 */
export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => !isAddressAllowed(a.address, allowLoopback));
      if (refused || addresses.length === 0) {
        return callback(new ForbiddenAddressError(hostname, refused?.address ?? hostname), '', 0);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
