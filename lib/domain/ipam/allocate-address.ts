// Handing out addresses. A jail's host takes from the live pools bound to it first, then from
// its group's shared pools; held addresses and retired ranges are never handed out.
import type { Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { ipv6AddressAt, ipv6SortKey } from "./addresses";

/**
 * SQL: the live pools (alias `p`) a host takes addresses from, for the host whose id is the SQL
 * expression `hostId` and whose group id is `groupId` (e.g. `h."id"`, `h."groupId"`).
 */
export function hostPoolsSql(hostId: Prisma.Sql, groupId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`p."retiredAt" IS NULL AND (p."hostId" = ${hostId} OR p."groupId" = ${groupId})`;
}

/** SQL: whether the host (`h`, with `h."id"` and `h."groupId"`) has a free IPv4 address of `kind`. */
export function hostHasFreeAddressSql(kind: "PUBLIC" | "PRIVATE"): Prisma.Sql {
  return Prisma.sql`EXISTS (
    SELECT 1 FROM "IpAddress" a
    JOIN "IpPool" p ON p."id" = a."poolId"
    JOIN "IpRange" r ON r."id" = a."rangeId"
    WHERE a."kind" = ${kind}::"IpKind" AND a."jailId" IS NULL AND a."heldAt" IS NULL AND r."retiredAt" IS NULL
      AND ${hostPoolsSql(Prisma.sql`h."id"`, Prisma.sql`h."groupId"`)})`;
}

/**
 * Claims the lowest free IPv4 address of `kind` for a jail on `hostId` (the host's own pools
 * first, then its group's). FOR UPDATE SKIP LOCKED means two concurrent orders never wait on,
 * or get, the same row; the unique (jailId, kind) index means a jail never holds two of a kind.
 * Returns the jail's address if it already has one.
 * @throws AppError NO_CAPACITY when every pool is exhausted.
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
      SELECT a."id" FROM "IpAddress" a
      JOIN "IpPool" p ON p."id" = a."poolId"
      JOIN "IpRange" r ON r."id" = a."rangeId"
      WHERE a."kind" = ${kind}::"IpKind" AND a."jailId" IS NULL AND a."heldAt" IS NULL AND r."retiredAt" IS NULL
        AND ${hostPoolsSql(Prisma.sql`${hostId}`, Prisma.sql`(SELECT "groupId" FROM "Host" WHERE "id" = ${hostId})`)}
      ORDER BY (p."hostId" IS NULL), a."sortKey", a."id"
      LIMIT 1
      FOR UPDATE OF a SKIP LOCKED
    )
    RETURNING "address"`;
  if (rows.length === 0) {
    throw new AppError("NO_CAPACITY", kind === "PUBLIC" ? "The host has no free public address." : "The host has no free private address.");
  }
  return rows[0]!.address;
}

/**
 * Gives a jail an IPv6 address out of the host's IPv6 ranges (its own pools first): the lowest
 * index from ::2 up that no row of the range holds (::1 is the host, held addresses are rows
 * too). Rows exist only while assigned or held, so a /64 is never materialised; the unique
 * address index settles two concurrent orders (the loser tries the next index).
 * @returns the address, the jail's existing one, or null when the host has no IPv6 range.
 * @throws AppError NO_CAPACITY after repeated clashes (pathological concurrency).
 */
export async function allocateIpv6(tx: Tx, { hostId, jailId }: { hostId: string; jailId: string }): Promise<string | null> {
  if (!hostId || !jailId) throw new Error("allocateIpv6: hostId and jailId are required");
  const held = await tx.ipAddress.findFirst({ where: { jailId, kind: "IPV6" }, select: { address: true } });
  if (held) return held.address;
  const ranges = await tx.$queryRaw<Array<{ id: string; poolId: string; cidr: string }>>`
    SELECT r."id", r."poolId", r."cidr" FROM "IpRange" r JOIN "IpPool" p ON p."id" = r."poolId"
    WHERE r."kind" = 'IPV6' AND r."retiredAt" IS NULL
      AND ${hostPoolsSql(Prisma.sql`${hostId}`, Prisma.sql`(SELECT "groupId" FROM "Host" WHERE "id" = ${hostId})`)}
    ORDER BY (p."hostId" IS NULL), r."createdAt", r."id"`;
  if (ranges.length === 0) return null;
  for (const range of ranges) {
    // The first free index from 2 up: one indexed query, whatever the size of the prefix.
    const [gap] = await tx.$queryRaw<Array<{ next: bigint }>>`
      SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM "IpAddress" WHERE "rangeId" = ${range.id} AND "sortKey" = 2) THEN 2::bigint
      ELSE (SELECT a."sortKey" + 1 FROM "IpAddress" a
        WHERE a."rangeId" = ${range.id} AND a."sortKey" >= 2
          AND NOT EXISTS (SELECT 1 FROM "IpAddress" b WHERE b."rangeId" = a."rangeId" AND b."sortKey" = a."sortKey" + 1)
        ORDER BY a."sortKey" LIMIT 1) END AS "next"`;
    let index = gap?.next ?? 2n;
    for (let attempt = 0; attempt < 5; attempt++, index++) {
      let address: string;
      try {
        address = ipv6AddressAt(range.cidr, index);
      } catch {
        break; // this range is full: try the next
      }
      // ON CONFLICT DO NOTHING: a clash leaves the caller's transaction usable, and says so by count 0.
      const { count } = await tx.ipAddress.createMany({
        data: [
          { poolId: range.poolId, rangeId: range.id, kind: "IPV6", address, sortKey: ipv6SortKey(address), jailId, assignedAt: new Date() },
        ],
        skipDuplicates: true,
      });
      if (count === 1) return address;
    }
  }
  throw new AppError("NO_CAPACITY", "The host could not hand out an IPv6 address right now; try again.");
}

/**
 * Returns a jail's addresses (when the jail is destroyed or leaves its host): IPv4 rows are
 * freed, IPv6 rows deleted, and rows of a range retired meanwhile go with it.
 */
export async function releaseAddresses(
  tx: Tx,
  {
    jailId,
    keepPublic = false,
  }: { jailId: string; /** A move that keeps the jail's public address releases the others. */ keepPublic?: boolean },
): Promise<number> {
  if (!jailId) throw new Error("releaseAddresses: jailId is required");
  const kinds: Array<"PUBLIC" | "PRIVATE" | "IPV6"> = keepPublic ? ["PRIVATE", "IPV6"] : ["PUBLIC", "PRIVATE", "IPV6"];
  const { count: v6 } = await tx.ipAddress.deleteMany({ where: { jailId, kind: "IPV6" } });
  const { count: retired } = await tx.ipAddress.deleteMany({
    where: {
      jailId,
      kind: { in: kinds },
      heldAt: null,
      OR: [{ range: { retiredAt: { not: null } } }, { pool: { retiredAt: { not: null } } }],
    },
  });
  const { count: v4 } = await tx.ipAddress.updateMany({ where: { jailId, kind: { in: kinds } }, data: { jailId: null, assignedAt: null } });
  return v4 + v6 + retired;
}
