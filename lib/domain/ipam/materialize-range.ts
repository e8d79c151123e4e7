// A range's rows: every usable IPv4 address of a public range; every usable address of a
// private netblock except the host's own (the first). IPv6 ranges have none until an address is
// assigned or held.
import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ipv4GatewayOf, ipv4ToNumber, ipv4UsableCount, usableIpv4Addresses } from "./addresses";

/** A /16: a larger IPv4 range is almost certainly a typo. */
export const MAX_IPV4_RANGE_ADDRESSES = 65_534;

type RangeRow = { id: string; poolId: string; kind: "PUBLIC" | "PRIVATE" | "IPV6"; cidr: string };

/**
 * Creates the address rows of an IPv4 range (re-running adds only what is missing) and
 * returns how many it has. IPv6 ranges are left empty.
 * @throws AppError VALIDATION for a range larger than a /16.
 */
export async function materializeRange(tx: Tx, range: RangeRow): Promise<number> {
  if (range.kind === "IPV6") return 0;
  if (ipv4UsableCount(range.cidr) > MAX_IPV4_RANGE_ADDRESSES)
    throw new AppError("VALIDATION", `${range.cidr} is larger than a /16; use a smaller block.`, {
      cidr: [`${range.cidr} is larger than a /16; use a smaller block.`],
    });
  const gateway = range.kind === "PRIVATE" ? ipv4GatewayOf(range.cidr) : null;
  const rows = usableIpv4Addresses(range.cidr)
    .filter((a) => a !== gateway)
    .map((address) => ({
      poolId: range.poolId,
      rangeId: range.id,
      kind: range.kind,
      address,
      sortKey: BigInt(ipv4ToNumber(address)),
    }));
  for (let i = 0; i < rows.length; i += 5000) {
    await tx.ipAddress.createMany({ data: rows.slice(i, i + 5000), skipDuplicates: true });
  }
  // skipDuplicates also skips a public address another pool holds: say so rather than show a
  // pool with fewer addresses than its block ("0 of 0 used").
  const have = await tx.ipAddress.count({ where: { rangeId: range.id } });
  if (have < rows.length) {
    const message = `Some addresses of ${range.cidr} already belong to another pool.`;
    throw new AppError("CONFLICT", message, { cidr: [message] });
  }
  return rows.length;
}
