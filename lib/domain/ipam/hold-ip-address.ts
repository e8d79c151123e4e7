// Holding an address back (blocklisted upstream, reserved for a router): a held address is
// never handed out. An IPv4 address is a row already; an IPv6 one becomes a row while held.
import { db } from "@/lib/db";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { cidrContains, familyOf, ipv6SortKey } from "./addresses";

/**
 * Holds `address` of the pool with `reason`.
 * @throws AppError NOT_FOUND (pool), VALIDATION (not in the pool), CONFLICT (assigned or held already).
 */
export async function holdIpAddress({
  actor,
  poolId,
  address,
  reason,
  now = new Date(),
}: {
  actor: StaffActor;
  poolId: string;
  address: string;
  reason: string;
  now?: Date;
}) {
  assertStaff(actor, "ADMIN");
  const notInPool = (msg: string) => new AppError("VALIDATION", msg, { address: [msg] });
  try {
    return await db.$transaction(async (tx) => {
      const pool = await tx.ipPool.findUnique({ where: { id: poolId }, include: { ranges: { where: { retiredAt: null } } } });
      if (!pool) throw notFound("That pool");
      const family = pool.kind === "IPV6" ? "ipv6" : "ipv4";
      if (familyOf(address) !== family) throw notInPool(`${address} is not an ${family === "ipv6" ? "IPv6" : "IPv4"} address.`);
      const range = pool.ranges.find((r) => cidrContains(r.cidr, address));
      if (!range) throw notInPool(`${address} is not in a live range of ${pool.name}.`);
      if (family === "ipv4") {
        const row = await tx.ipAddress.findFirst({ where: { rangeId: range.id, address } });
        if (!row) throw notInPool(`${address} is not a usable address of ${range.cidr}.`);
        const { count } = await tx.ipAddress.updateMany({
          where: { id: row.id, jailId: null, heldAt: null },
          data: { heldAt: now, heldReason: reason },
        });
        if (count !== 1) {
          const msg = row.jailId
            ? `${address} is assigned to a jail: it can be held once the jail lets it go.`
            : `${address} is held already.`;
          throw new AppError("CONFLICT", msg, { address: [msg] });
        }
      } else {
        await tx.ipAddress.create({
          data: {
            poolId: pool.id,
            rangeId: range.id,
            kind: "IPV6",
            address,
            sortKey: ipv6SortKey(address),
            heldAt: now,
            heldReason: reason,
          },
        });
      }
      await recordAudit(tx, { actor, action: "ip-address.hold", targetType: "IpPool", targetId: pool.id, data: { address, reason } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const msg = `${address} is assigned or held already.`;
      throw new AppError("CONFLICT", msg, { address: [msg] });
    }
    throw err;
  }
}

/** Lets a held address be handed out again. @throws AppError NOT_FOUND when it is not held. */
export async function releaseIpAddressHold({ actor, addressId }: { actor: StaffActor; addressId: string }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const row = await tx.ipAddress.findFirst({ where: { id: addressId, heldAt: { not: null } } });
    if (!row) throw notFound("That held address");
    if (row.kind === "IPV6" && !row.jailId) await tx.ipAddress.delete({ where: { id: row.id } });
    else await tx.ipAddress.update({ where: { id: row.id }, data: { heldAt: null, heldReason: null } });
    await recordAudit(tx, {
      actor,
      action: "ip-address.release-hold",
      targetType: "IpPool",
      targetId: row.poolId,
      data: { address: row.address, reason: row.heldReason },
    });
  });
}
