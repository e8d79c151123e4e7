import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ipv4GatewayOf, ipv4ToNumber, parseIpv4Cidr, usableIpv4Addresses } from "./addresses";

const MAX_POOL = 65_534; // a /16: larger pools are almost certainly a typo

/**
 * Creates the address rows of a host's pools: every usable private address except the
 * gateway, and every usable public address. Re-running adds only what is missing.
 */
export async function populatePools(
  tx: Tx,
  { hostId, privateNetblock, publicPoolCidr }: { hostId: string; privateNetblock: string; publicPoolCidr: string | null },
) {
  if (!hostId) throw new Error("populatePools: hostId is required");
  for (const cidr of [privateNetblock, publicPoolCidr].filter(Boolean) as string[]) {
    if (parseIpv4Cidr(cidr).size - 2 > MAX_POOL) throw new AppError("VALIDATION", `${cidr} is larger than a /16; use a smaller block.`);
  }
  const gateway = ipv4GatewayOf(privateNetblock);
  const rows = [
    ...usableIpv4Addresses(privateNetblock)
      .filter((a) => a !== gateway)
      .map((address) => ({ hostId, kind: "PRIVATE" as const, address, sortKey: BigInt(ipv4ToNumber(address)) })),
    ...(publicPoolCidr ? usableIpv4Addresses(publicPoolCidr) : []).map((address) => ({
      hostId,
      kind: "PUBLIC" as const,
      address,
      sortKey: BigInt(ipv4ToNumber(address)),
    })),
  ];
  for (let i = 0; i < rows.length; i += 5000) {
    await tx.ipAddress.createMany({ data: rows.slice(i, i + 5000), skipDuplicates: true });
  }
  return rows.length;
}
