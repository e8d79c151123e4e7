import { db, type Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Job } from "@/lib/generated/prisma/client";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { endJob } from "./end-job";

/**
 * Puts a FAILED job back in the queue with fresh attempts (an admin's "retry"); a build job's
 * jail goes back to QUEUED. Audited.
 * @throws AppError PRECONDITION for a job that has not failed, or a password job (its secret is gone).
 */
export async function retryJob({ actor, jobId, now = new Date() }: { actor: StaffActor; jobId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const job = await lockJob(tx, jobId);
    if (job.status !== "FAILED") throw new AppError("PRECONDITION", "Only a failed job can be retried.");
    if (job.type === "SET_PASSWORD")
      throw new AppError(
        "PRECONDITION",
        "A password job cannot be retried: its secret was removed. Ask the customer to set the password again.",
      );
    await tx.job.update({
      where: { id: job.id },
      data: { status: "QUEUED", attempts: 0, runAfter: now, finishedAt: null, leasedBy: null, leaseExpiresAt: null },
    });
    if (job.jailId && (job.type === "CREATE" || job.type === "REINSTALL")) {
      await tx.jail.updateMany({ where: { id: job.jailId, destroyedAt: null }, data: { state: "QUEUED", lastError: null } });
    }
    await recordAudit(tx, { actor, action: "job.retry", targetType: "Job", targetId: jobId, data: { type: job.type, hostId: job.hostId } });
    return job;
  });
}

/**
 * Cancels a job that no agent has started yet, converging its jail (endJob). A DESTROY cannot
 * be called off this way: the customer cancelled the jail and its addresses wait on it.
 * @throws AppError PRECONDITION for a started or ended job, or a DESTROY.
 */
export async function cancelJob({ actor, jobId, now = new Date() }: { actor: StaffActor; jobId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const job = await lockJob(tx, jobId);
    if (job.status !== "QUEUED") throw new AppError("PRECONDITION", "Only a queued job can be cancelled; this one has started or ended.");
    if (job.type === "DESTROY")
      throw new AppError("PRECONDITION", "A destroy cannot be cancelled: its jail was cancelled by its owner and is waiting for it.");
    await endJob(tx, {
      job,
      ending: { status: "CANCELLED", reason: `The ${job.type.toLowerCase()} job was cancelled by an administrator.` },
      now,
    });
    await recordAudit(tx, {
      actor,
      action: "job.cancel",
      targetType: "Job",
      targetId: jobId,
      data: { type: job.type, hostId: job.hostId },
    });
    return job;
  });
}

async function lockJob(tx: Tx, jobId: string): Promise<Job> {
  const [job] = await tx.$queryRaw<Job[]>`SELECT * FROM "Job" WHERE "id" = ${jobId} FOR UPDATE`;
  if (!job) throw new AppError("NOT_FOUND", "That job was not found.");
  return job;
}
