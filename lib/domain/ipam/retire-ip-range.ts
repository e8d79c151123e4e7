// Retiring address space: a retired range (or every range of a retired pool) hands out nothing
// new. Jails keep the addresses they hold; the free rows go at once, and each held one goes
// when its jail lets it go (releaseAddresses). Once nothing in it is assigned, the block no
// longer counts for overlaps and may be added elsewhere.
import type { Tx } from "@/lib/db";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { lockIpRanges } from "./find-range-clash";

/** Retires the ranges in `tx`: their free rows go now, assigned ones when their jails let them go. */
export async function retireRanges(tx: Tx, rangeIds: string[], now: Date) {
  await tx.ipRange.updateMany({ where: { id: { in: rangeIds }, retiredAt: null }, data: { retiredAt: now } });
  const { count: freed } = await tx.ipAddress.deleteMany({ where: { rangeId: { in: rangeIds }, jailId: null } });
  const stillAssigned = await tx.ipAddress.count({ where: { rangeId: { in: rangeIds }, jailId: { not: null } } });
  return { freed, stillAssigned };
}

/**
 * Retires one range of a pool (not a host's private netblock).
 * @throws AppError NOT_FOUND, PRECONDITION (already retired, or a private netblock).
 */
export async function retireIpRange({ actor, rangeId, now = new Date() }: { actor: StaffActor; rangeId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    await lockIpRanges(tx);
    const range = await tx.ipRange.findUnique({ where: { id: rangeId } });
    if (!range) throw notFound("That range");
    if (range.retiredAt) throw new AppError("PRECONDITION", `${range.cidr} is already retired.`);
    if (range.kind === "PRIVATE") throw new AppError("PRECONDITION", "A host's private netblock cannot be retired while the host exists.");
    const result = await retireRanges(tx, [range.id], now);
    await recordAudit(tx, {
      actor,
      action: "ip-range.retire",
      targetType: "IpPool",
      targetId: range.poolId,
      data: { rangeId: range.id, cidr: range.cidr, ...result },
    });
    return { ...result, poolId: range.poolId };
  });
}

/**
 * Retires a pool and every range in it.
 * @throws AppError NOT_FOUND, PRECONDITION (already retired, or a private netblock).
 */
export async function retireIpPool({ actor, poolId, now = new Date() }: { actor: StaffActor; poolId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    await lockIpRanges(tx);
    const pool = await tx.ipPool.findUnique({ where: { id: poolId }, include: { ranges: { select: { id: true } } } });
    if (!pool) throw notFound("That pool");
    if (pool.retiredAt) throw new AppError("PRECONDITION", `${pool.name} is already retired.`);
    if (pool.kind === "PRIVATE") throw new AppError("PRECONDITION", "A host's private netblock cannot be retired while the host exists.");
    await tx.ipPool.update({ where: { id: pool.id }, data: { retiredAt: now } });
    const result = await retireRanges(
      tx,
      pool.ranges.map((r) => r.id),
      now,
    );
    await recordAudit(tx, {
      actor,
      action: "ip-pool.retire",
      targetType: "IpPool",
      targetId: pool.id,
      data: { name: pool.name, ...result },
    });
    return result;
  });
}
