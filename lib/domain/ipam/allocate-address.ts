import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ipv6AddressAt, ipv6InterfaceId } from "./addresses";

/**
 * Claims the lowest free IPv4 address of a host's pool for a jail. FOR UPDATE SKIP LOCKED means
 * two concurrent orders never wait on, or get, the same row; the unique (jailId, kind) index
 * means a jail never holds two of a kind. Returns the existing address if the jail already has one.
 * @throws AppError NO_CAPACITY when the pool is exhausted.
 */
export async function allocateAddress(
  tx: Tx,
  { hostId, kind, jailId }: { hostId: string; kind: "PUBLIC" | "PRIVATE"; jailId: string },
): Promise<string> {
  if (!hostId || !jailId) throw new Error("allocateAddress: hostId and jailId are required");
  const held = await tx.ipAddress.findFirst({ where: { jailId, kind }, select: { address: true } });
  if (held) return held.address;
  const rows = await tx.$queryRaw<Array<{ address: string }>>`
    UPDATE "IpAddress" SET "jailId" = ${jailId}, "assignedAt" = now()
    WHERE "id" = (
      SELECT "id" FROM "IpAddress"
      WHERE "hostId" = ${hostId} AND "kind" = ${kind}::"IpKind" AND "jailId" IS NULL
      ORDER BY "sortKey"
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "address"`;
  if (rows.length === 0) {
    throw new AppError("NO_CAPACITY", kind === "PUBLIC" ? "The host has no free public address." : "The host has no free private address.");
  }
  return rows[0]!.address;
}

/**
 * Gives a jail an IPv6 address out of its host's prefix: the lowest interface identifier from
 * ::2 up that no live jail holds (::1 is the host). Rows exist only while assigned, so a /64 is
 * never materialised; the unique (hostId, kind, address) index settles two concurrent orders
 * (the loser retries with the next free one). Returns the jail's address if it has one.
 * @throws AppError NO_CAPACITY after repeated clashes (pathological concurrency).
 */
export async function allocateIpv6(
  tx: Tx,
  { hostId, prefix, jailId }: { hostId: string; prefix: string; jailId: string },
): Promise<string> {
  if (!hostId || !jailId) throw new Error("allocateIpv6: hostId and jailId are required");
  const held = await tx.ipAddress.findFirst({ where: { jailId, kind: "IPV6" }, select: { address: true } });
  if (held) return held.address;
  // The first gap in the used identifiers (2, 3, …): one indexed query, whatever the size.
  const [gap] = await tx.$queryRaw<Array<{ next: bigint }>>`
    SELECT COALESCE(
      (SELECT a."sortKey" + 1 FROM "IpAddress" a
        WHERE a."hostId" = ${hostId} AND a."kind" = 'IPV6'
          AND NOT EXISTS (SELECT 1 FROM "IpAddress" b WHERE b."hostId" = a."hostId" AND b."kind" = 'IPV6' AND b."sortKey" = a."sortKey" + 1)
        ORDER BY a."sortKey" LIMIT 1),
      2) AS "next"`;
  let index = gap?.next ?? 2n;
  if (index < 2n) index = 2n;
  for (let attempt = 0; attempt < 5; attempt++, index++) {
    const address = ipv6AddressAt(prefix, index);
    // ON CONFLICT DO NOTHING: a clash leaves the caller's transaction usable, and says so by count 0.
    const { count } = await tx.ipAddress.createMany({
      data: [{ hostId, kind: "IPV6", address, sortKey: ipv6InterfaceId(address), jailId, assignedAt: new Date() }],
      skipDuplicates: true,
    });
    if (count === 1) return address;
  }
  throw new AppError("NO_CAPACITY", "The host could not hand out an IPv6 address right now; try again.");
}

/** Returns a jail's addresses to its host's pools (when the jail is destroyed): IPv4 rows are freed, IPv6 rows deleted. */
export async function releaseAddresses(tx: Tx, { jailId }: { jailId: string }): Promise<number> {
  if (!jailId) throw new Error("releaseAddresses: jailId is required");
  const { count: v6 } = await tx.ipAddress.deleteMany({ where: { jailId, kind: "IPV6" } });
  const { count: v4 } = await tx.ipAddress.updateMany({ where: { jailId }, data: { jailId: null, assignedAt: null } });
  return v4 + v6;
}
