// IPv4 arithmetic for the address pools. Addresses are handled as unsigned 32-bit numbers.
export function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

export function parseCidr(cidr: string): { network: number; prefix: number; size: number } {
  const [addr, len] = cidr.split("/");
  const prefix = Number(len);
  const size = 2 ** (32 - prefix);
  const network = ipToInt(addr!) - (ipToInt(addr!) % size);
  return { network, prefix, size };
}

/** Usable host addresses of a block (no network, no broadcast), in order. */
export function usableAddresses(cidr: string): string[] {
  const { network, size } = parseCidr(cidr);
  const out: string[] = [];
  for (let n = network + 1; n < network + size - 1; n++) out.push(intToIp(n));
  return out;
}

/** The private netblock's first usable address is the host's own bridge / gateway address. */
export function gatewayOf(cidr: string): string {
  return intToIp(parseCidr(cidr).network + 1);
}
