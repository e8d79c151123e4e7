import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAudit, type Actor } from "@/lib/domain/audit/record-audit";

/** ACTIVE takes new jails, DRAINING keeps its jails but takes none, DISABLED is out of service. */
export async function setHostStatus(hostId: string, status: "ACTIVE" | "DRAINING" | "DISABLED", actor: Actor) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.host.updateMany({ where: { id: hostId, enrolledAt: { not: null } }, data: { status } });
    if (count !== 1) throw new AppError("PRECONDITION", "That host was not found or has not enrolled yet.");
    await recordAudit(tx, actor, { action: "host.status", targetType: "Host", targetId: hostId, data: { status } });
  });
}
