// A host's own pools, made when the host is added: its private netblock, and optionally a
// public IPv4 block and an IPv6 prefix, each a pool bound to the host with one range. Scripts
// and tests that set up hosts use it too; re-running adds only what is missing.
import type { Tx } from "@/lib/db";
import { materializeRange } from "./materialize-range";

type Kind = "PUBLIC" | "PRIVATE" | "IPV6";
const LABEL: Record<Kind, string> = { PRIVATE: "private", PUBLIC: "public", IPV6: "IPv6" };

/**
 * Makes (or completes) the host's pools for the blocks given and returns how many IPv4
 * addresses they hold. Overlaps are not checked here (admin paths check with findRangeClash
 * first); a live public or IPv6 block that overlaps another is refused by the database.
 */
export async function populatePools(
  tx: Tx,
  {
    hostId,
    privateNetblock,
    publicPoolCidr = null,
    ipv6Prefix = null,
  }: { hostId: string; privateNetblock: string; publicPoolCidr?: string | null; ipv6Prefix?: string | null },
): Promise<number> {
  if (!hostId) throw new Error("populatePools: hostId is required");
  const host = await tx.host.findUniqueOrThrow({ where: { id: hostId }, select: { name: true } });
  let total = 0;
  for (const [kind, cidr] of [
    ["PRIVATE", privateNetblock],
    ["PUBLIC", publicPoolCidr],
    ["IPV6", ipv6Prefix],
  ] as Array<[Kind, string | null]>) {
    if (cidr) total += await ensureHostPool(tx, { hostId, hostName: host.name, kind, cidr });
  }
  return total;
}

async function ensureHostPool(tx: Tx, { hostId, hostName, kind, cidr }: { hostId: string; hostName: string; kind: Kind; cidr: string }) {
  const pool =
    (await tx.ipPool.findFirst({ where: { hostId, kind, retiredAt: null }, orderBy: { createdAt: "asc" } })) ??
    (await tx.ipPool.create({ data: { name: await freePoolName(tx, `${hostName} ${LABEL[kind]}`), kind, hostId } }));
  const range =
    (await tx.ipRange.findFirst({ where: { poolId: pool.id, cidr, retiredAt: null } })) ??
    (await tx.ipRange.create({ data: { poolId: pool.id, kind, cidr } }));
  return materializeRange(tx, range);
}

/** `wanted`, or `wanted (2)`, … when an admin already gave a pool that name. */
export async function freePoolName(tx: Tx, wanted: string): Promise<string> {
  const taken = new Set((await tx.ipPool.findMany({ where: { name: { startsWith: wanted } }, select: { name: true } })).map((p) => p.name));
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted} (${n})`)) return `${wanted} (${n})`;
}
