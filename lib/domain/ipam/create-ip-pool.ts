// An admin adds a public IPv4 or an IPv6 pool, bound to one host or shared by a host group,
// with its first range. Overlap anywhere in the fleet is refused with the clash named.
import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import type { CreateIpPoolInput } from "@/lib/schemas/ipam";
import { assertNoRangeClash, lockIpRanges } from "./find-range-clash";
import { materializeRange } from "./materialize-range";

/**
 * Creates the pool and its first range (IPv4: every usable address a row).
 * @throws AppError NOT_FOUND (host or group), CONFLICT (name taken, or the block overlaps).
 */
export async function createIpPool({ actor, input }: { actor: StaffActor; input: CreateIpPoolInput }) {
  assertStaff(actor, "ADMIN");
  const { hostId, groupId } = input.binding;
  try {
    return await db.$transaction(async (tx) => {
      if (hostId) {
        const host = await tx.host.findFirst({ where: { id: hostId, removedAt: null }, select: { id: true } });
        if (!host) throw new AppError("NOT_FOUND", "That host was not found.", { binding: ["Choose a host that exists."] });
      } else if (groupId) {
        const group = await tx.hostGroup.findUnique({ where: { id: groupId }, select: { id: true } });
        if (!group) throw new AppError("NOT_FOUND", "That host group was not found.", { binding: ["Choose a group that exists."] });
      }
      await lockIpRanges(tx);
      await assertNoRangeClash(tx, input.cidr, "cidr");
      const pool = await tx.ipPool.create({ data: { name: input.name, kind: input.kind, hostId, groupId } });
      const range = await tx.ipRange.create({ data: { poolId: pool.id, kind: input.kind, cidr: input.cidr } });
      const addresses = await materializeRange(tx, range);
      await recordAudit(tx, {
        actor,
        action: "ip-pool.create",
        targetType: "IpPool",
        targetId: pool.id,
        data: { name: pool.name, kind: pool.kind, hostId, groupId, cidr: input.cidr, addresses },
      });
      return pool;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("CONFLICT", "A pool with that name exists.", { name: ["A pool with that name exists."] });
    throw err;
  }
}
