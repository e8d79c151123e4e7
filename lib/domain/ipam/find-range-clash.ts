// Overlap anywhere in the fleet is refused, and the refusal names what it clashes with. The
// database holds the line for live public and IPv6 ranges ("IpRange_no_overlap", an exclusion
// constraint); this check covers the rest (private netblocks, retired ranges whose addresses
// jails still hold) and says which pool and host the clash is with. Writers of ranges take one
// transaction-scoped advisory lock first, so check and insert are not raced.
import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** Serialises every transaction that adds address ranges (released at commit or rollback). */
export async function lockIpRanges(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('cellblock:ip-ranges'))`;
}

export type RangeClash = { cidr: string; pool: string; owner: string; retired: boolean };

/**
 * The first range in the fleet that overlaps `cidr` (live, or retired while jails still hold
 * its addresses), or null. Call after lockIpRanges in the same transaction.
 */
export async function findRangeClash(tx: Tx, cidr: string): Promise<RangeClash | null> {
  const rows = await tx.$queryRaw<Array<{ cidr: string; pool: string; host: string | null; grp: string | null; retired: boolean }>>`
    SELECT r."cidr", p."name" AS "pool", h."name" AS "host", g."name" AS "grp", (r."retiredAt" IS NOT NULL) AS "retired"
    FROM "IpRange" r
    JOIN "IpPool" p ON p."id" = r."poolId"
    LEFT JOIN "Host" h ON h."id" = p."hostId"
    LEFT JOIN "HostGroup" g ON g."id" = p."groupId"
    WHERE (r."cidr")::inet && CAST(${cidr} AS inet)
      AND (r."retiredAt" IS NULL OR EXISTS (SELECT 1 FROM "IpAddress" a WHERE a."rangeId" = r."id" AND a."jailId" IS NOT NULL))
    ORDER BY r."createdAt"
    LIMIT 1`;
  const r = rows[0];
  if (!r) return null;
  return { cidr: r.cidr, pool: r.pool, owner: r.host ? `host ${r.host}` : `host group ${r.grp}`, retired: r.retired };
}

/** The words an admin reads for a clash. */
export function clashMessage(cidr: string, clash: RangeClash): string {
  return `${cidr} overlaps ${clash.cidr} of pool "${clash.pool}" (${clash.owner}${clash.retired ? ", retired but still in use" : ""}). Choose a block that does not overlap.`;
}

/**
 * Refuses `cidr` when it overlaps anything in the fleet, as a field error on `field`.
 * @throws AppError CONFLICT naming the clash.
 */
export async function assertNoRangeClash(tx: Tx, cidr: string, field: string): Promise<void> {
  const clash = await findRangeClash(tx, cidr);
  if (clash) {
    const message = clashMessage(cidr, clash);
    throw new AppError("CONFLICT", message, { [field]: [message] });
  }
}
