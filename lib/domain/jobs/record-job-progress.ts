import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { z } from "zod";
import type { jobProgressRequest } from "@/lib/schemas/agent";
import { outputTail, type HostJobReport } from "./host-report";
import { leaseMs } from "./job-config";

/**
 * Records how far a running job got and renews its lease (JOB_LEASE_SECONDS from `now`), for the
 * attempt that holds the lease and no other.
 * @returns when the renewed lease expires.
 * @throws AppError NOT_FOUND (no such job), FORBIDDEN (another host's job), CONFLICT (the job is
 *   not running, or its lease was handed to another attempt: this attempt should stop).
 */
export async function recordJobProgress({
  hostId,
  jobId,
  report,
  now = new Date(),
}: HostJobReport<z.infer<typeof jobProgressRequest>>): Promise<{ leaseExpiresAt: Date }> {
  if (!hostId || !jobId) throw new Error("recordJobProgress: hostId and jobId are required");
  const leaseExpiresAt = new Date(now.getTime() + leaseMs());
  const { count } = await db.job.updateMany({
    where: { id: jobId, hostId, status: "RUNNING", attempts: report.attempt },
    data: {
      leaseExpiresAt,
      progressAt: now,
      ...(report.percent !== undefined ? { progressPercent: report.percent } : {}),
      ...(report.message !== undefined ? { progressMessage: report.message } : {}),
      ...(report.output !== undefined ? { output: outputTail(report.output) } : {}),
    },
  });
  if (count === 1) return { leaseExpiresAt };
  const job = await db.job.findUnique({ where: { id: jobId }, select: { hostId: true, status: true, attempts: true } });
  if (!job) throw new AppError("NOT_FOUND", "No such job.");
  if (job.hostId !== hostId) throw new AppError("FORBIDDEN", "This job belongs to another host.");
  if (job.status !== "RUNNING") throw new AppError("CONFLICT", `This job is ${job.status.toLowerCase()}, not running.`);
  throw new AppError("CONFLICT", `This job's lease was handed to attempt ${job.attempts}; attempt ${report.attempt} should stop.`);
}
