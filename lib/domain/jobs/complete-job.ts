import type { z } from "zod";
import { db, type Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Job, Prisma } from "@/lib/generated/prisma/client";
import { releaseAddresses } from "@/lib/domain/ipam/allocate-address";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { completeRequest } from "@/lib/schemas/agent";
import { SECRET_PAYLOAD_FIELDS, type JobResult, type JobType } from "@/lib/schemas/jobs";
import { backoffMs } from "./job-config";

type Completion = z.infer<typeof completeRequest>;

/**
 * The agent's report on a job it leased. Success is applied to the jail's observed state in
 * the same transaction; a retryable failure goes back to the queue with capped exponential
 * backoff; a fatal one (or the last attempt) ends FAILED with the reason. A repeated report
 * (the agent retrying after a lost response) changes nothing. Secrets leave the row when the
 * job ends.
 */
export async function completeJob(hostId: string, jobId: string, report: Completion, now = new Date()) {
  if (!hostId || !jobId) throw new Error("completeJob: hostId and jobId are required");
  return db.$transaction(async (tx) => {
    // Scoped to the reporting host: another host's job is refused.
    const rows = await tx.$queryRaw<Job[]>`SELECT * FROM "Job" WHERE "id" = ${jobId} FOR UPDATE`;
    const job = rows[0];
    if (!job) throw new AppError("NOT_FOUND", "No such job.");
    if (job.hostId !== hostId) throw new AppError("FORBIDDEN", "This job belongs to another host.");
    if (job.status === "SUCCEEDED" || job.status === "FAILED" || job.status === "CANCELLED") {
      return { status: job.status, duplicate: true };
    }
    const output = report.output?.slice(-8000) ?? null;
    if (report.status === "SUCCEEDED") {
      await tx.job.update({
        where: { id: job.id },
        data: {
          status: "SUCCEEDED",
          finishedAt: now,
          result: report.result as Prisma.InputJsonValue,
          output,
          leasedBy: null,
          leaseExpiresAt: null,
          payload: scrubbed(job),
        },
      });
      await applySuccess(tx, job, report.result, now);
      return { status: "SUCCEEDED" as const, duplicate: false };
    }
    const retry = report.retryable && job.attempts < job.maxAttempts;
    if (retry) {
      await tx.job.update({
        where: { id: job.id },
        data: {
          status: "QUEUED",
          error: report.error,
          output,
          leasedBy: null,
          leaseExpiresAt: null,
          runAfter: new Date(now.getTime() + backoffMs(job.attempts)),
        },
      });
      return { status: "QUEUED" as const, duplicate: false };
    }
    await tx.job.update({
      where: { id: job.id },
      data: {
        status: "FAILED",
        error: report.error,
        output,
        finishedAt: now,
        leasedBy: null,
        leaseExpiresAt: null,
        payload: scrubbed(job),
      },
    });
    await applyFailure(tx, job, report.error);
    return { status: "FAILED" as const, duplicate: false };
  });
}

/** The payload without its secret fields (see SECRET_PAYLOAD_FIELDS). */
export function scrubbed(job: Pick<Job, "type" | "payload">): Prisma.InputJsonValue {
  const secret = SECRET_PAYLOAD_FIELDS[job.type as JobType];
  const payload = { ...(job.payload as Record<string, unknown>) };
  for (const field of secret ?? []) if (field in payload) payload[field] = "[removed]";
  return payload as Prisma.InputJsonValue;
}

async function applySuccess(tx: Tx, job: Job, result: JobResult, now: Date) {
  if (!job.jailId) return;
  const where = { id: job.jailId, hostId: job.hostId };
  switch (job.type) {
    case "CREATE":
    case "REINSTALL":
      await tx.jail.updateMany({
        where: { ...where, destroyedAt: null },
        data: {
          state: result.running === false ? "STOPPED" : "RUNNING",
          jid: result.jid ?? null,
          sshHostKeyFingerprint: result.sshHostKeyFingerprint ?? null,
          lastError: null,
        },
      });
      break;
    case "START":
    case "RESTART":
      await tx.jail.updateMany({
        where: { ...where, destroyedAt: null },
        data: { state: "RUNNING", jid: result.jid ?? null, lastError: null },
      });
      break;
    case "STOP":
      await tx.jail.updateMany({ where: { ...where, destroyedAt: null }, data: { state: "STOPPED", jid: null, lastError: null } });
      break;
    case "DESTROY": {
      const { count } = await tx.jail.updateMany({
        where: { ...where, destroyedAt: null },
        data: { state: "DESTROYED", destroyedAt: now, jid: null },
      });
      if (count) {
        await releaseAddresses(tx, job.jailId);
        await recordAudit(
          tx,
          { kind: "agent", hostId: job.hostId },
          { action: "jail.destroyed", targetType: "Jail", targetId: job.jailId },
        );
      }
      break;
    }
    default:
      await tx.jail.updateMany({ where: { ...where, destroyedAt: null }, data: { lastError: null } });
  }
}

async function applyFailure(tx: Tx, job: Job, error: string) {
  if (!job.jailId) return;
  const where = { id: job.jailId, hostId: job.hostId, destroyedAt: null };
  if (job.type === "CREATE" || job.type === "REINSTALL") {
    await tx.jail.updateMany({ where, data: { state: "FAILED", lastError: error } });
  } else {
    await tx.jail.updateMany({ where, data: { lastError: error } });
  }
}
