import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAudit, type Actor } from "@/lib/domain/audit/record-audit";

/** Puts a FAILED job back in the queue with fresh attempts (an admin's "retry"). */
export async function retryJob(jobId: string, actor: Actor, now = new Date()) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.job.updateMany({
      where: { id: jobId, status: "FAILED" },
      data: { status: "QUEUED", attempts: 0, runAfter: now, finishedAt: null, leasedBy: null, leaseExpiresAt: null },
    });
    if (count !== 1) throw new AppError("PRECONDITION", "Only a failed job can be retried.");
    const job = await tx.job.findUniqueOrThrow({ where: { id: jobId } });
    if (job.type === "SET_PASSWORD")
      throw new AppError(
        "PRECONDITION",
        "A password job cannot be retried: its secret was removed. Ask the customer to set the password again.",
      );
    if (job.jailId && (job.type === "CREATE" || job.type === "REINSTALL")) {
      await tx.jail.updateMany({ where: { id: job.jailId, destroyedAt: null }, data: { state: "QUEUED", lastError: null } });
    }
    await recordAudit(tx, actor, { action: "job.retry", targetType: "Job", targetId: jobId, data: { type: job.type, hostId: job.hostId } });
    return job;
  });
}

/** Cancels a job that no agent has started yet. */
export async function cancelJob(jobId: string, actor: Actor, now = new Date()) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.job.updateMany({
      where: { id: jobId, status: "QUEUED" },
      data: { status: "CANCELLED", finishedAt: now, error: "Cancelled by an administrator." },
    });
    if (count !== 1) throw new AppError("PRECONDITION", "Only a queued job can be cancelled; this one has started or ended.");
    const job = await tx.job.findUniqueOrThrow({ where: { id: jobId } });
    if (job.jailId && job.type === "CREATE") {
      await tx.jail.updateMany({
        where: { id: job.jailId, destroyedAt: null, state: "QUEUED" },
        data: { state: "FAILED", lastError: "The create job was cancelled by an administrator." },
      });
    }
    await recordAudit(tx, actor, {
      action: "job.cancel",
      targetType: "Job",
      targetId: jobId,
      data: { type: job.type, hostId: job.hostId },
    });
    return job;
  });
}
