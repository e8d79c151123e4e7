// Address arithmetic for the pools, on ipaddr.js (DESIGN: both families through a well-kept
// library, not hand-written arithmetic). IPv4 pools are small enough to list; an IPv6 prefix is
// not, so it is only ever indexed into.
import ipaddr from "ipaddr.js";

/** An IPv4 address as an unsigned 32-bit number (for ordering the pool rows). */
export function ipv4ToNumber(ip: string): number {
  return ipaddr.IPv4.parse(ip)
    .toByteArray()
    .reduce((acc, b) => acc * 256 + b, 0);
}

/** `10.77.0.0/24` → `{ network: "10.77.0.0", prefix: 24, size: 256 }`. @throws Error for a malformed block. */
export function parseIpv4Cidr(cidr: string): { network: string; prefix: number; size: number } {
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  void addr;
  return { network: ipaddr.IPv4.networkAddressFromCIDR(cidr).toString(), prefix, size: 2 ** (32 - prefix) };
}

/** Usable host addresses of an IPv4 block (no network, no broadcast), in order. */
export function usableIpv4Addresses(cidr: string): string[] {
  const { network, size } = parseIpv4Cidr(cidr);
  const base = ipv4ToNumber(network);
  const out: string[] = [];
  for (let n = base + 1; n < base + size - 1; n++) out.push(numberToIpv4(n));
  return out;
}

/** The private netblock's first usable address is the host's own bridge / gateway address. */
export function ipv4GatewayOf(cidr: string): string {
  return numberToIpv4(ipv4ToNumber(parseIpv4Cidr(cidr).network) + 1);
}

function numberToIpv4(n: number): string {
  return ipaddr.fromByteArray([24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256)).toString();
}

/** `fd00:77::/64` → its network address and prefix length. @throws Error for a malformed prefix. */
export function parseIpv6Prefix(prefix: string): { network: ipaddr.IPv6; length: number } {
  const [, length] = ipaddr.IPv6.parseCIDR(prefix);
  return { network: ipaddr.IPv6.networkAddressFromCIDR(prefix), length };
}

/**
 * The address `index` places into an IPv6 prefix (index 1 = `…::1`), in RFC 5952 form. Index is
 * limited to the interface identifier's 64 bits and must fit under the prefix.
 * @throws Error when the index does not fit.
 */
export function ipv6AddressAt(prefix: string, index: bigint): string {
  const { network, length } = parseIpv6Prefix(prefix);
  const hostBits = BigInt(128 - length);
  if (index < 0n || index >= 1n << (hostBits < 64n ? hostBits : 64n)) throw new Error(`index ${index} does not fit in ${prefix}`);
  const bytes = network.toByteArray();
  let rest = index;
  for (let i = 15; i >= 8 && rest > 0n; i--) {
    bytes[i] = (bytes[i]! | Number(rest & 0xffn)) & 0xff;
    rest >>= 8n;
  }
  return (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
}

/** The low 64 bits (interface identifier) of an IPv6 address, as an unsigned bigint. */
export function ipv6InterfaceId(address: string): bigint {
  return ipaddr.IPv6.parse(address)
    .toByteArray()
    .slice(8)
    .reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** The host's own address in its IPv6 prefix (`…::1`): the jails' IPv6 gateway. */
export function ipv6GatewayOf(prefix: string): string {
  return ipv6AddressAt(prefix, 1n);
}

/** Whether two blocks of one family overlap (for refusing clashing pools). */
export function cidrsOverlap(a: string, b: string): boolean {
  const pa = ipaddr.parseCIDR(a);
  const pb = ipaddr.parseCIDR(b);
  if (pa[0].kind() !== pb[0].kind()) return false;
  return pa[0].match(pb) || pb[0].match(pa);
}
