import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

/**
 * ACTIVE takes new jails, STANDBY takes only jails moved or evacuated onto it (a spare),
 * DRAINING keeps its jails but takes none, DISABLED is out of service. A DEAD host stays dead.
 */
export async function setHostStatus({
  actor,
  hostId,
  status,
}: {
  actor: StaffActor;
  hostId: string;
  status: "ACTIVE" | "STANDBY" | "DRAINING" | "DISABLED";
}) {
  assertStaff(actor, "ADMIN");
  await db.$transaction(async (tx) => {
    const current = await tx.host.findUnique({ where: { id: hostId }, select: { status: true } });
    if (current?.status === "DEAD") {
      throw new AppError("PRECONDITION", "A host declared dead stays fenced. Once it is repaired, remove it and add it again.");
    }
    const { count } = await tx.host.updateMany({ where: { id: hostId, enrolledAt: { not: null }, removedAt: null }, data: { status } });
    if (count !== 1) throw new AppError("PRECONDITION", "That host was not found or has not enrolled yet.");
    await recordAudit(tx, {
      actor,
      action: "host.status",
      targetType: "Host",
      targetId: hostId,
      data: { status },
    });
  });
}
