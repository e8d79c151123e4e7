// Growing a pool: another block of its family, refused when it overlaps anything in the fleet.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { familyOf } from "./addresses";
import { assertNoRangeClash, lockIpRanges } from "./find-range-clash";
import { materializeRange } from "./materialize-range";

/**
 * Adds `cidr` to the pool. A private netblock belongs to its host and is not extended here.
 * @throws AppError NOT_FOUND, PRECONDITION (retired or private pool), VALIDATION (wrong family),
 *   CONFLICT (overlap, named).
 */
export async function addIpRange({ actor, poolId, cidr }: { actor: StaffActor; poolId: string; cidr: string }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const pool = await tx.ipPool.findUnique({ where: { id: poolId } });
    if (!pool) throw notFound("That pool");
    if (pool.retiredAt) throw new AppError("PRECONDITION", "This pool is retired: it takes no new ranges.");
    if (pool.kind === "PRIVATE")
      throw new AppError("PRECONDITION", "A host's private netblock is fixed when the host is added; it takes no other ranges.");
    const want = pool.kind === "PUBLIC" ? "ipv4" : "ipv6";
    if (familyOf(cidr) !== want) {
      const message =
        want === "ipv4"
          ? "This is an IPv4 pool: add an IPv4 block such as 203.0.113.0/28."
          : "This is an IPv6 pool: add a prefix such as 2001:db8:1::/64.";
      throw new AppError("VALIDATION", message, { cidr: [message] });
    }
    await lockIpRanges(tx);
    await assertNoRangeClash(tx, cidr, "cidr");
    const range = await tx.ipRange.create({ data: { poolId: pool.id, kind: pool.kind, cidr } });
    const addresses = await materializeRange(tx, range);
    await recordAudit(tx, {
      actor,
      action: "ip-range.add",
      targetType: "IpPool",
      targetId: pool.id,
      data: { cidr, rangeId: range.id, addresses },
    });
    return range;
  });
}
