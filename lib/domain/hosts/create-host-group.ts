// Host groups: hosts that share pools (a routed block announced to all of them).
import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

/** @throws AppError CONFLICT when the name is taken. */
export async function createHostGroup({ actor, name, description }: { actor: StaffActor; name: string; description: string }) {
  assertStaff(actor, "ADMIN");
  try {
    return await db.$transaction(async (tx) => {
      const group = await tx.hostGroup.create({ data: { name, description } });
      await recordAudit(tx, { actor, action: "host-group.create", targetType: "HostGroup", targetId: group.id, data: { name } });
      return group;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("CONFLICT", "A group with that name exists.", { name: ["A group with that name exists."] });
    throw err;
  }
}
