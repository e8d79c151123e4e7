// Editing a host after it was added: its capacity, and the group whose shared pools it uses.
// The private netblock stays what it was (jails hold its addresses and the bridge uses its
// first); public and IPv6 pools are managed on the IP pools page.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import type { UpdateHostInput } from "@/lib/schemas/hosts";

/**
 * Updates capacity and group. Leaving a group is refused while jails on the host hold addresses
 * of that group's pools (they would keep addresses the host no longer announces).
 * @throws AppError NOT_FOUND (host or group), PRECONDITION (removed host, addresses in use).
 */
export async function updateHost({ actor, input }: { actor: StaffActor; input: UpdateHostInput }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const [host] = await tx.$queryRaw<Array<{ id: string; groupId: string | null; removedAt: Date | null }>>`
      SELECT "id", "groupId", "removedAt" FROM "Host" WHERE "id" = ${input.hostId} FOR UPDATE`;
    if (!host) throw notFound("That host");
    if (host.removedAt) throw new AppError("PRECONDITION", "This host was removed from the fleet.");
    if (input.groupId && !(await tx.hostGroup.findUnique({ where: { id: input.groupId }, select: { id: true } })))
      throw new AppError("NOT_FOUND", "That host group was not found.", { groupId: ["Choose a group that exists."] });
    if (host.groupId && host.groupId !== input.groupId) {
      const inUse = await tx.ipAddress.count({
        where: { pool: { groupId: host.groupId }, jail: { hostId: host.id, destroyedAt: null } },
      });
      if (inUse > 0) {
        const msg = `${inUse} jail address(es) on this host come from the group's shared pools: move or destroy those jails before the host leaves the group.`;
        throw new AppError("PRECONDITION", msg, { groupId: [msg] });
      }
    }
    await tx.host.update({
      where: { id: host.id },
      data: {
        capacityJails: input.capacityJails,
        capacityDiskMb: input.capacityDiskMb,
        capacityMemoryMb: input.capacityMemoryMb,
        groupId: input.groupId,
      },
    });
    await recordAudit(tx, {
      actor,
      action: "host.update",
      targetType: "Host",
      targetId: host.id,
      data: { ...input, previousGroupId: host.groupId },
    });
  });
}
