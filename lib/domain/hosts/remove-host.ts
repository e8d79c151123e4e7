// Taking a host out of the fleet, e.g. one added by mistake. Only a host with no live jail can
// go. One that never held a jail is deleted with everything it has (pools, queued jobs,
// template builds, drift); one whose jails were all destroyed keeps its row for their history
// but loses its credentials and its pools and leaves every list.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff } from "@/lib/domain/actor";
import { assertHostNameConfirmed, type HostConfirmation } from "./confirm-host-name";
import { retireRanges } from "@/lib/domain/ipam/retire-ip-range";
import { lockIpRanges } from "@/lib/domain/ipam/find-range-clash";
import { endJob } from "@/lib/domain/jobs/end-job";
import type { Job } from "@/lib/generated/prisma/client";

/**
 * Removes the host after the admin typed its name.
 * @returns "deleted" or "retired" (kept for its jails' history).
 * @throws AppError NOT_FOUND, VALIDATION (name not confirmed), PRECONDITION (live jails, a job
 *   running on it, removed already).
 */
export async function removeHost({ actor, hostId, confirmName, now = new Date() }: HostConfirmation): Promise<"deleted" | "retired"> {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    await lockIpRanges(tx);
    const [host] = await tx.$queryRaw<Array<{ id: string; name: string; removedAt: Date | null; enrolledAt: Date | null }>>`
      SELECT "id", "name", "removedAt", "enrolledAt" FROM "Host" WHERE "id" = ${hostId} FOR UPDATE`;
    if (!host) throw notFound("That host");
    if (host.removedAt) throw new AppError("PRECONDITION", "This host was removed already.");
    assertHostNameConfirmed(host.name, confirmName);
    const live = await tx.jail.count({ where: { hostId, destroyedAt: null } });
    if (live > 0) throw new AppError("PRECONDITION", `This host holds ${live} jail(s). Move or destroy them first, or drain the host.`);
    const running = await tx.job.count({ where: { hostId, status: "RUNNING" } });
    if (running > 0) throw new AppError("PRECONDITION", "A job is running on this host right now. Try again when it has finished.");
    const everHeld = await tx.jail.count({ where: { hostId } });
    if (everHeld === 0) {
      // Nothing refers to it but what is its own: jobs that never touched a jail, builds, pools.
      await tx.job.deleteMany({ where: { hostId } });
      await tx.host.delete({ where: { id: hostId } });
      await recordAudit(tx, {
        actor,
        action: "host.remove",
        targetType: "Host",
        targetId: hostId,
        data: { name: host.name, deleted: true },
      });
      return "deleted";
    }
    const queued = await tx.$queryRaw<
      Job[]
    >`SELECT * FROM "Job" WHERE "hostId" = ${hostId} AND "status" = 'QUEUED' ORDER BY "id" FOR UPDATE`;
    for (const job of queued)
      await endJob(tx, { job, ending: { status: "CANCELLED", reason: "The host was removed from the fleet." }, now });
    await tx.templateBuild.deleteMany({ where: { hostId } });
    await tx.ipPool.updateMany({ where: { hostId, retiredAt: null }, data: { retiredAt: now } });
    const ranges = await tx.ipRange.findMany({ where: { pool: { hostId } }, select: { id: true } });
    await retireRanges(
      tx,
      ranges.map((r) => r.id),
      now,
    );
    await tx.host.update({
      where: { id: hostId },
      data: { removedAt: now, status: "DISABLED", agentTokenHash: null, enrollTokenHash: null, enrollTokenExpiresAt: null },
    });
    await tx.hostDrift.updateMany({ where: { hostId, resolvedAt: null }, data: { resolvedAt: now } });
    await recordAudit(tx, {
      actor,
      action: "host.remove",
      targetType: "Host",
      targetId: hostId,
      data: { name: host.name, deleted: false, jailsInHistory: everHeld, cancelledJobs: queued.length },
    });
    return "retired";
  });
}
